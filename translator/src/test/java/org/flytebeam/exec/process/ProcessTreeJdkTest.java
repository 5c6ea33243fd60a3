package org.flytebeam.exec.process;

/** {@link ProcessTreeContract} with programs started through the JDK and {@code setsid}. */
class ProcessTreeJdkTest extends ProcessTreeContract {
  @Override
  boolean nativeSpawn() {
    return false;
  }
}
