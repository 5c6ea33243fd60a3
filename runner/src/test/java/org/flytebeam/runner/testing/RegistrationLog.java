package org.flytebeam.runner.testing;

import com.google.auto.service.AutoService;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A file system registrar that serves no scheme and records the options Beam registers file systems
 * with (its {@code FileSystems.setDefaultPipelineOptions}): how often Beam registered them, and
 * with whose options.
 */
@AutoService(FileSystemRegistrar.class)
public final class RegistrationLog implements FileSystemRegistrar {
  /** One line per registration: the job name of the options it was given. */
  public static final List<String> JOB_NAMES = new CopyOnWriteArrayList<>();

  @Override
  public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
    JOB_NAMES.add(options.getJobName());
    return List.of();
  }
}
