/**
 * The per-element cache: a cacheable sub-task's element outputs stored under a key derived as
 * Flyte's catalog derives it ({@link org.flytebeam.cache.CacheKey}), one entry file per element in
 * a folder on any path Beam's FileSystems opens ({@link org.flytebeam.cache.CacheEntries}), looked
 * up before and written right after each element ({@link org.flytebeam.cache.ElementCache}), so a
 * run killed half way resumes where it stopped. Internal: no compatibility promise.
 */
package org.flytebeam.cache;
