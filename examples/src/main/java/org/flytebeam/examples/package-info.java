/** Example Java tasks that the README, the tests and the benchmark map over. */
package org.flytebeam.examples;
