package org.flytebeam.cache;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The key of one element's cached outputs, as Flyte's catalog keys a cached task execution: the
 * dataset (the task's project, domain and name, its {@code discovery_version} and a hash of its
 * interface; never its registration version) and a hash of the element's inputs.
 *
 * @param project the sub-task's project
 * @param domain the sub-task's domain
 * @param name the sub-task's name
 * @param version the {@code discovery_version}, without surrounding spaces
 * @param interfaceHash SHA-256 (hex) of the sub-task's scalar interface, serialized
 *     deterministically
 * @param inputsHash SHA-256 (hex) of the element's inputs minus {@code cache_ignore_input_vars},
 *     serialized deterministically (see {@link CacheKeys#inputsHash})
 */
public record CacheKey(
    String project,
    String domain,
    String name,
    String version,
    String interfaceHash,
    String inputsHash) {
  private static final int READABLE_PART = 60;

  public CacheKey {
    requireNonNull(project, "project");
    requireNonNull(domain, "domain");
    requireNonNull(name, "name");
    requireNonNull(version, "version");
    requireNonNull(interfaceHash, "interfaceHash");
    requireNonNull(inputsHash, "inputsHash");
  }

  /**
   * The dataset's folder under the cache root: readable (project, domain, name, version), and made
   * unique by a hash of the whole dataset identity, whatever characters the names hold.
   */
  public String datasetFolder() {
    StringBuilder readable = new StringBuilder();
    for (String part : new String[] {project, domain, name}) {
      if (!part.isEmpty()) {
        readable.append(readable.length() == 0 ? "" : "_").append(part);
      }
    }
    String identity = String.join("\0", project, domain, name, version, interfaceHash);
    return safe(readable.toString())
        + "-"
        + safe(version)
        + "-"
        + CacheKeys.sha256Hex(identity.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }

  /** The entry's path under {@code root}: {@code <dataset>/<2 hex>/<inputs hash>.entry}. */
  public String entryPath(String root) {
    String base = root.endsWith("/") ? root : root + "/";
    return base
        + datasetFolder()
        + "/"
        + inputsHash.substring(0, 2)
        + "/"
        + inputsHash
        + CacheEntries.SUFFIX;
  }

  private static String safe(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), READABLE_PART));
    for (int i = 0; i < text.length() && out.length() < READABLE_PART; i++) {
      char c = text.charAt(i);
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      out.append(plain ? c : '_');
    }
    return out.toString();
  }
}
