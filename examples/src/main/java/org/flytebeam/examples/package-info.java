/**
 * Example Java tasks that the README, the tests and the benchmark map over. Each is whole on its
 * own, as a user would write it, so their classes repeat one shape (records in and out, a {@code
 * run} method) on purpose.
 */
package org.flytebeam.examples;
