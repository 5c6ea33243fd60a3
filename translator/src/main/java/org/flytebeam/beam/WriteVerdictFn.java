package org.flytebeam.beam;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.util.SerializableUtils;

/** Writes the verdict to the run folder, where the driver reads it. */
final class WriteVerdictFn extends DoFn<MapVerdict, MapVerdict> {
  private static final long serialVersionUID = 1L;

  private final String verdictFile;

  WriteVerdictFn(String verdictFile) {
    this.verdictFile = verdictFile;
  }

  @ProcessElement
  public void processElement(@Element MapVerdict verdict, OutputReceiver<MapVerdict> out) {
    MapRunPlan.writeBytes(verdictFile, SerializableUtils.serializeToByteArray(verdict));
    out.output(verdict);
  }
}
