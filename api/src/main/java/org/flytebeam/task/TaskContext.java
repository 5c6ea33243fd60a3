package org.flytebeam.task;

/**
 * What a running task may know of its execution.
 *
 * @param arrayIndex the element's index in the map, from 0
 * @param attemptNumber the attempt, from 0 (the first retry is 1)
 * @param taskName the registered name of the running task
 */
public record TaskContext(long arrayIndex, int attemptNumber, String taskName) {}
