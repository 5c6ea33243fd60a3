package org.flytebeam.exec.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Paths made from data (input and output names, map keys, the names of files in a remote folder)
 * kept inside the folder they belong to. Names and data come from definitions, inputs and task
 * outputs, none of which is trusted: a map key {@code ../../x} or {@code /abs/path}, or a symbolic
 * link a task leaves among its outputs, must never read or write a file elsewhere.
 */
public final class SafePaths {
  private SafePaths() {}

  /** A path made from data would leave its folder; the message names the offending value. */
  public static final class UnsafePathException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsafePathException(String message) {
      super(message);
    }
  }

  /**
   * Why {@code name} cannot be one entry of a folder, or {@code null} when it can: it is empty,
   * {@code .} or {@code ..}, or holds a {@code /}, a {@code \} or a NUL.
   */
  public static String problem(String name) {
    if (name.isEmpty()) {
      return "it is empty";
    }
    if (name.equals(".") || name.equals("..")) {
      return "it names a folder itself";
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      return "it holds a path separator";
    }
    if (name.indexOf('\0') >= 0) {
      return "it holds a NUL character";
    }
    return null;
  }

  /**
   * {@code folder/name} for a name that must be one plain entry of {@code folder}.
   *
   * @param what what the name is, for the message, e.g. {@code "the map key"}
   * @param owner whose name it is, e.g. {@code "input [m]"}
   * @throws UnsafePathException when the name would leave the folder or name something else
   */
  public static Path entry(Path folder, String name, String what, String owner)
      throws UnsafePathException {
    String problem = problem(name);
    if (problem != null) {
      throw new UnsafePathException(
          String.format(
              "%s %s [%s] cannot be written as a file: %s; a name written as a file must be a"
                  + " plain name (no /, no . or .., not empty)",
              owner, what, shown(name), problem));
    }
    return folder.resolve(name);
  }

  /**
   * {@code folder/relative} for a relative path (a file of a remote folder copied in) that must
   * stay inside {@code folder}.
   */
  public static Path inside(Path folder, String relative, String owner) throws UnsafePathException {
    Path base = folder.toAbsolutePath().normalize();
    if (relative.indexOf('\0') >= 0 || relative.startsWith("/") || relative.startsWith("\\")) {
      throw escapes(relative, owner);
    }
    Path resolved = base.resolve(relative).normalize();
    if (!resolved.startsWith(base) || resolved.equals(base)) {
      throw escapes(relative, owner);
    }
    return resolved;
  }

  private static UnsafePathException escapes(String relative, String owner) {
    return new UnsafePathException(
        String.format(
            "the file [%s] of %s would be written outside its folder: file names with .., / at"
                + " the start or NUL are refused",
            shown(relative), owner));
  }

  /**
   * Checks that {@code path} (a file or folder under {@code root}) and everything under it leads
   * nowhere outside {@code root}: every symbolic link must point inside it.
   *
   * @param owner whose files these are, e.g. {@code "output [y]"}
   * @throws UnsafePathException naming the first link that leads out
   */
  public static void requireNoEscape(Path root, Path path, String owner) throws IOException {
    Path realRoot = root.toRealPath();
    List<Path> all;
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> walk = Files.walk(path)) {
        all = walk.toList();
      }
    } else {
      all = List.of(path);
    }
    for (Path p : all) {
      if (!Files.isSymbolicLink(p)) {
        continue;
      }
      Path target;
      try {
        target = p.toRealPath();
      } catch (IOException e) {
        throw new UnsafePathException(
            String.format(
                "%s holds the symbolic link [%s] to [%s], which does not resolve: write files, not"
                    + " links",
                owner, root.relativize(p), Files.readSymbolicLink(p)));
      }
      if (!target.startsWith(realRoot)) {
        throw new UnsafePathException(
            String.format(
                "%s holds the symbolic link [%s] to [%s], outside its folder: write files, not"
                    + " links out of the folder",
                owner, root.relativize(p), target));
      }
    }
  }

  /** A name for a message: long ones cut, control characters escaped. */
  private static String shown(String name) {
    String cut = name.length() > 200 ? name.substring(0, 197) + "..." : name;
    return TaskText.escape(cut);
  }
}
