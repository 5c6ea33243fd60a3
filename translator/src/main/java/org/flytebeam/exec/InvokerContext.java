package org.flytebeam.exec;

import static java.util.Objects.requireNonNull;

import flyteidl.core.Workflow.ArrayNode.DataMode;
import java.util.Set;
import org.flytebeam.exec.process.LocalFiles;
import org.flytebeam.spec.MapTaskSpec;
import org.flytebeam.spec.SubTask;

/**
 * What an invoker needs to know of the run it serves: the sub-task, how its map was written (form
 * and data mode decide the container's {@code {{.input}}} and output folders), where the run's
 * folder and the map's whole input map are, and how processes are run.
 *
 * @param subTask the task run per element
 * @param form the map's form: {@link MapTaskSpec.Form#LEGACY} containers write index i's outputs to
 *     {@code <outputPrefix>/<i>/}
 * @param dataMode {@code SINGLE_INPUT_FILE}: {@code {{.input}}} is the whole input map; {@code
 *     INDIVIDUAL_INPUT_FILES}: the element's own
 * @param mapName the map task's name (the execution's workflow, for the process environment)
 * @param runId unique per run (the execution id)
 * @param workDir the run folder, on any path Beam's FileSystems can open
 * @param inputsFile the map node's whole input LiteralMap, lists and bound values included
 * @param process how processes are run
 * @param inputsByReference whether some mapped input is given by reference (a JSON Lines file, a
 *     file pattern, an offloaded literal): {@code inputsFile} then holds the reference, not the
 *     list, and a process that reads the whole input map gets its element's own instead
 * @param boundInputs the inputs passed whole to every element
 */
public record InvokerContext(
    SubTask subTask,
    MapTaskSpec.Form form,
    DataMode dataMode,
    String mapName,
    String runId,
    String workDir,
    String inputsFile,
    ProcessSettings process,
    boolean inputsByReference,
    Set<String> boundInputs) {

  public InvokerContext {
    requireNonNull(subTask, "subTask");
    requireNonNull(form, "form");
    requireNonNull(dataMode, "dataMode");
    requireNonNull(mapName, "mapName");
    requireNonNull(runId, "runId");
    requireNonNull(workDir, "workDir");
    requireNonNull(inputsFile, "inputsFile");
    requireNonNull(process, "process");
    boundInputs = Set.copyOf(boundInputs);
  }

  /** A context of a map whose mapped inputs are all lists. */
  public InvokerContext(
      SubTask subTask,
      MapTaskSpec.Form form,
      DataMode dataMode,
      String mapName,
      String runId,
      String workDir,
      String inputsFile,
      ProcessSettings process) {
    this(subTask, form, dataMode, mapName, runId, workDir, inputsFile, process, false, Set.of());
  }

  /**
   * Where this run's blob outputs go: a folder of its own in the configured prefix ({@code
   * run-<runId>}, so runs sharing a prefix never overwrite each other's data), else the run
   * folder's {@code raw} folder.
   */
  public String rawOutputPrefix() {
    return process.rawOutputPrefix().isEmpty()
        ? LocalFiles.join(workDir, "raw")
        : LocalFiles.join(process.rawOutputPrefix(), "run-" + runId);
  }
}
