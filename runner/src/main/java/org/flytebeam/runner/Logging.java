package org.flytebeam.runner;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/** Beam's and Spark's logging: warnings only, one line each, unless {@code --verbose}. */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    Configurator.setRootLevel(verbose ? Level.INFO : Level.WARN);
    java.util.logging.Logger.getLogger("")
        .setLevel(verbose ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING);
  }
}
