/** flyte-beam: Flyte map tasks translated to Apache Beam pipelines. The root exception types. */
package org.flytebeam;
