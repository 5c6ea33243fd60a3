package org.flytebeam.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code flyte-beam --version} prints: the versions this jar was built with, read from {@code
 * versions.properties} (filled in by the build), and the Java that runs it.
 */
final class Versions implements IVersionProvider {
  private static final String RESOURCE = "versions.properties";

  @Override
  public String[] getVersion() {
    Properties built = built();
    return new String[] {
      "flyte-beam " + built.getProperty("flyte-beam", "unknown"),
      "Apache Beam " + built.getProperty("beam", "unknown"),
      "Apache Spark "
          + built.getProperty("spark", "unknown")
          + " (Scala "
          + built.getProperty("scala", "unknown")
          + ")",
      "flyteidl " + built.getProperty("flyteidl", "unknown"),
      "Java "
          + System.getProperty("java.version")
          + " ("
          + System.getProperty("java.vendor")
          + "; built for Java "
          + built.getProperty("java.release", "unknown")
          + ")"
    };
  }

  /** The build's versions; a jar without them (a broken build) is an infrastructure failure. */
  static Properties built() {
    Properties properties = new Properties();
    try (InputStream in = Versions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new InfrastructureException(
            "this jar has no " + RESOURCE + ": rebuild it with mvn package", null);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }
}
