package org.flytebeam.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.flytebeam.InvalidDefinitionException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * A Hadoop client configuration folder ({@code HADOOP_CONF_DIR}, {@code --hadoop-conf DIR}) made
 * into Beam's {@code --hdfsConfiguration} option, so that {@code hdfs://} paths work in the driver
 * and, since the option travels with the pipeline, on every executor, also where the executors'
 * machines have no such folder or variable.
 *
 * <p>It reads what Beam's own default reads, {@code core-site.xml} and {@code hdfs-site.xml} (from
 * the folder, else from the class path as Hadoop does), as Hadoop's {@code Configuration} does:
 * each {@code <property>}'s {@code name} and {@code value}, later files winning; values are kept as
 * written ({@code ${...}} is expanded by Hadoop when read).
 */
final class HadoopConf {
  static final List<String> FILES = List.of("core-site.xml", "hdfs-site.xml");

  /** The environment variables naming a configuration folder, in the order they are read. */
  static final List<String> VARIABLES = List.of("HADOOP_CONF_DIR", "YARN_CONF_DIR");

  private static final String OPTION = "hdfsConfiguration";

  private HadoopConf() {}

  /**
   * The Beam option for {@code beamArgs}: from {@code --hadoop-conf} when given (an error when it
   * is not a configuration folder), else from {@code HADOOP_CONF_DIR} or {@code YARN_CONF_DIR} when
   * one names a folder holding one of {@link #FILES}, else from those files on the class path; none
   * when {@code beamArgs} already sets it.
   */
  static Optional<String> beamOption(
      String hadoopConf, Map<String, String> env, List<String> beamArgs) {
    return beamOption(hadoopConf, env, beamArgs, Thread.currentThread().getContextClassLoader());
  }

  /** As {@link #beamOption(String, Map, List)}, the class path being {@code loader}'s. */
  static Optional<String> beamOption(
      String hadoopConf, Map<String, String> env, List<String> beamArgs, ClassLoader loader) {
    boolean given =
        beamArgs.stream()
            .anyMatch(a -> a.equals("--" + OPTION) || a.startsWith("--" + OPTION + "="));
    if (given) {
      if (hadoopConf != null) {
        throw new InvalidDefinitionException(
            "--hadoop-conf ["
                + hadoopConf
                + "] and the Beam option --hdfsConfiguration both give the Hadoop configuration:"
                + " give one of them");
      }
      return Optional.empty();
    }
    if (hadoopConf != null) {
      return Optional.of(option(read(Path.of(hadoopConf), "--hadoop-conf")));
    }
    Map<String, String> merged = new LinkedHashMap<>();
    for (String variable : VARIABLES) {
      String value = env.get(variable);
      if (value != null && !value.isBlank() && hasConfiguration(Path.of(value))) {
        read(Path.of(value), variable).forEach(merged::putIfAbsent);
      }
    }
    if (merged.isEmpty()) {
      // As Hadoop's own Configuration: the class path's files. A YARN container has the
      // submitter's Hadoop configuration there (Spark's __spark_conf__/__hadoop_conf__), and no
      // HADOOP_CONF_DIR: this is how a cluster-mode driver reaches hdfs://.
      for (String name : FILES) {
        java.net.URL resource = loader == null ? null : loader.getResource(name);
        if (resource != null) {
          merged.putAll(properties(resource, "the class path"));
        }
      }
    }
    return merged.isEmpty() ? Optional.empty() : Optional.of(option(merged));
  }

  private static boolean hasConfiguration(Path dir) {
    return FILES.stream().anyMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /** The properties of the folder's files; {@code source} names it in errors. */
  static Map<String, String> read(Path dir, String source) {
    if (!Files.isDirectory(dir)) {
      throw new InvalidDefinitionException(
          String.format(
              "%s [%s] is not a folder: give the Hadoop client configuration folder, the one holding"
                  + " core-site.xml (what HADOOP_CONF_DIR names)",
              source, dir));
    }
    if (!hasConfiguration(dir)) {
      throw new InvalidDefinitionException(
          String.format(
              "%s [%s] holds neither core-site.xml nor hdfs-site.xml: give the Hadoop client"
                  + " configuration folder (what HADOOP_CONF_DIR names)",
              source, dir));
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String name : FILES) {
      Path file = dir.resolve(name);
      if (Files.isRegularFile(file)) {
        properties.putAll(properties(file, source));
      }
    }
    return properties;
  }

  private static Map<String, String> properties(Path file, String source) {
    try {
      return properties(file.toUri().toURL(), source);
    } catch (java.net.MalformedURLException e) {
      throw new IllegalStateException("a local path is a URL", e);
    }
  }

  private static Map<String, String> properties(java.net.URL file, String source) {
    Document document;
    try (InputStream in = file.openStream()) {
      document = parser().parse(in);
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new InvalidDefinitionException(
          String.format(
              "%s: [%s] is not a readable Hadoop configuration file (%s): fix or remove it",
              source, file, e.getMessage()),
          e);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    NodeList nodes = document.getElementsByTagName("property");
    for (int i = 0; i < nodes.getLength(); i++) {
      Element property = (Element) nodes.item(i);
      Optional<String> name = child(property, "name");
      Optional<String> value = child(property, "value");
      if (name.isPresent() && value.isPresent()) {
        properties.put(name.get().trim(), value.get());
      }
    }
    return properties;
  }

  private static Optional<String> child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return Optional.of(e.getTextContent());
      }
    }
    return Optional.empty();
  }

  /** A parser that reads no external entity or DTD: the files are data, not instructions. */
  private static DocumentBuilder parser() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    return factory.newDocumentBuilder();
  }

  private static String option(Map<String, String> properties) {
    try {
      return "--" + OPTION + "=" + new ObjectMapper().writeValueAsString(List.of(properties));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the Hadoop configuration as JSON", e);
    }
  }
}
