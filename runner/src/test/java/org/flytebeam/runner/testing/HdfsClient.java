package org.flytebeam.runner.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The tests' own client of a {@link MiniHadoop}'s HDFS: writes what a run reads and reads what it
 * wrote, by full {@code hdfs://} URI, independently of flyte-beam's file systems.
 */
public final class HdfsClient implements AutoCloseable {
  private final FileSystem fs;

  private HdfsClient(FileSystem fs) {
    this.fs = fs;
  }

  /** A client of the file system at {@code root} ({@code hdfs://host:port}). */
  public static HdfsClient open(String root) throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", root);
    return new HdfsClient(FileSystem.newInstance(URI.create(root), conf));
  }

  /** Writes {@code content} at {@code uri}, replacing what is there; returns {@code uri}. */
  public String put(String uri, byte[] content) throws IOException {
    try (OutputStream out = fs.create(new Path(uri), true)) {
      out.write(content);
    }
    return uri;
  }

  /** Writes {@code content} as UTF-8 at {@code uri}; returns {@code uri}. */
  public String put(String uri, String content) throws IOException {
    return put(uri, content.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] bytes(String uri) throws IOException {
    try (InputStream in = fs.open(new Path(uri))) {
      return in.readAllBytes();
    }
  }

  public String string(String uri) throws IOException {
    return new String(bytes(uri), StandardCharsets.UTF_8);
  }

  public boolean exists(String uri) throws IOException {
    return fs.exists(new Path(uri));
  }

  /** The entries right below folder {@code uri}, sub-folders included. */
  public List<FileStatus> list(String uri) throws IOException {
    return List.of(fs.listStatus(new Path(uri)));
  }

  /**
   * The paths (without scheme and authority, as {@code /base/raw/a.txt}) of every file below folder
   * {@code uri}, at any depth.
   */
  public List<String> filesBelow(String uri) throws IOException {
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(uri), true);
    while (it.hasNext()) {
      files.add(it.next().getPath().toUri().getPath());
    }
    return files;
  }

  @Override
  public void close() throws IOException {
    fs.close();
  }
}
