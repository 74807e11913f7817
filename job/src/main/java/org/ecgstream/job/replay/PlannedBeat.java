package org.ecgstream.job.replay;

/**
 * One archive beat assigned to a simulated source at a sequence number; {@code label} is the
 * archive's class, kept only to judge the results.
 */
public record PlannedBeat(String sourceId, long firstSequence, int label, float[] values) {}
