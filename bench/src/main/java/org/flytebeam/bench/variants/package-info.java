/**
 * The baseline programs, one process each: plain Beam ({@code MapElements} with {@code
 * exceptionsVia}) on the DirectRunner and the SparkRunner, a Spark RDD map and a raw parallel
 * stream. Each prints its checksum as {@code checksum count=N sum=S} and {@code checksum
 * failures=F}. No compatibility promise.
 */
package org.flytebeam.bench.variants;
