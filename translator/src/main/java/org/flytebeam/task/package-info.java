/** The Java task authoring API: tasks, their context, and the registry that finds them by name. */
package org.flytebeam.task;
