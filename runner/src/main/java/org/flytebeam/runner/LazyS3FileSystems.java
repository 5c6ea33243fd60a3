package org.flytebeam.runner;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Collection;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.FileSystemRegistrar;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.metrics.Lineage;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.util.common.ReflectHelpers;

/**
 * Registers {@code s3://} with Beam's {@code FileSystems} without building anything of the AWS SDK
 * until an {@code s3://} path is used.
 *
 * <p>Beam's own registrar ({@code S3FileSystemRegistrar}) builds an S3 client builder each time the
 * file systems are registered (several times per run, on the driver and on every worker), and with
 * no region configured the AWS SDK then asks the EC2 instance metadata service for one: about 220
 * classes and close to a second on a machine outside AWS, for every run, s3 or not. The shaded jars
 * therefore list this registrar instead of Beam's; it hands out a file system that creates Beam's
 * real one, from the same options, on first use. Where Beam's registrar is on the class path too
 * (an unshaded class path, such as the tests'), this one registers nothing and Beam's serves.
 */
public final class LazyS3FileSystems implements FileSystemRegistrar {
  static final String SCHEME = "s3";
  private static final String BEAM_REGISTRAR =
      "org.apache.beam.sdk.io.aws2.s3.S3FileSystemRegistrar";

  @Override
  public Iterable<FileSystem<?>> fromOptions(PipelineOptions options) {
    boolean beamRegisters =
        ServiceLoader.load(FileSystemRegistrar.class, ReflectHelpers.findClassLoader()).stream()
            .anyMatch(p -> p.type().getName().equals(BEAM_REGISTRAR));
    return beamRegisters ? List.of() : List.of(new Lazy(options));
  }

  /** {@code s3://}, Beam's S3 file system made on first use. */
  static final class Lazy extends FileSystem<ResourceId> {
    private final PipelineOptions options;
    private FileSystem<?> real;

    Lazy(PipelineOptions options) {
      this.options = options;
    }

    /** Beam's S3 file system, made once from the registration's options. */
    synchronized FileSystem<?> real() {
      if (real == null) {
        try {
          FileSystemRegistrar beam =
              Class.forName(BEAM_REGISTRAR, true, ReflectHelpers.findClassLoader())
                  .asSubclass(FileSystemRegistrar.class)
                  .getDeclaredConstructor()
                  .newInstance();
          for (FileSystem<?> fs : beam.fromOptions(options)) {
            if (SCHEME.equals(call(fs, "getScheme", new Class<?>[0]))) {
              real = fs;
            }
          }
        } catch (ReflectiveOperationException | IOException e) {
          throw new IllegalStateException("cannot create Beam's S3 file system: " + e, e);
        }
        if (real == null) {
          throw new IllegalStateException("Beam's S3 registrar serves no [s3] scheme");
        }
      }
      return real;
    }

    /** Calls one of {@link FileSystem}'s protected methods on {@code fs}. */
    private static Object call(FileSystem<?> fs, String name, Class<?>[] types, Object... args)
        throws IOException {
      try {
        Method m = FileSystem.class.getDeclaredMethod(name, types);
        m.setAccessible(true);
        return m.invoke(fs, args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw io;
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot call FileSystem." + name + ": " + e, e);
      }
    }

    private Object delegate(String name, Class<?>[] types, Object... args) throws IOException {
      return call(real(), name, types, args);
    }

    @Override
    @SuppressWarnings("unchecked") // Beam's S3 file system's match returns List<MatchResult>.
    protected List<MatchResult> match(List<String> specs) throws IOException {
      return (List<MatchResult>) delegate("match", new Class<?>[] {List.class}, specs);
    }

    @Override
    protected WritableByteChannel create(ResourceId resourceId, CreateOptions createOptions)
        throws IOException {
      return (WritableByteChannel)
          delegate(
              "create",
              new Class<?>[] {ResourceId.class, CreateOptions.class},
              resourceId,
              createOptions);
    }

    @Override
    protected ReadableByteChannel open(ResourceId resourceId) throws IOException {
      return (ReadableByteChannel) delegate("open", new Class<?>[] {ResourceId.class}, resourceId);
    }

    @Override
    protected void copy(List<ResourceId> srcResourceIds, List<ResourceId> destResourceIds)
        throws IOException {
      delegate("copy", new Class<?>[] {List.class, List.class}, srcResourceIds, destResourceIds);
    }

    @Override
    protected void rename(
        List<ResourceId> srcResourceIds,
        List<ResourceId> destResourceIds,
        MoveOptions... moveOptions)
        throws IOException {
      delegate(
          "rename",
          new Class<?>[] {List.class, List.class, MoveOptions[].class},
          srcResourceIds,
          destResourceIds,
          moveOptions);
    }

    @Override
    protected void delete(Collection<ResourceId> resourceIds) throws IOException {
      delegate("delete", new Class<?>[] {Collection.class}, resourceIds);
    }

    @Override
    protected ResourceId matchNewResource(String singleResourceSpec, boolean isDirectory) {
      try {
        return (ResourceId)
            delegate(
                "matchNewResource",
                new Class<?>[] {String.class, boolean.class},
                singleResourceSpec,
                isDirectory);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    protected String getScheme() {
      return SCHEME;
    }

    @Override
    protected void reportLineage(ResourceId resourceId, Lineage lineage) {
      try {
        delegate(
            "reportLineage", new Class<?>[] {ResourceId.class, Lineage.class}, resourceId, lineage);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
