package org.ecgstream.playground.bench;

import java.util.Arrays;
import java.util.List;
import org.ecgstream.playground.embedded.EmbeddedPipeline;
import org.ecgstream.playground.embedded.RunStats;
import org.ecgstream.schemas.BeatScore;

/**
 * The part of a flat-out run after the replayer had flushed its last frame: the job draining what
 * it had not yet scored, with no load generator running. Timed by when the scores were made.
 *
 * @param planned beats in the run
 * @param left beats scored after sending ended
 * @param seconds from the end of sending to the last score made
 * @param beatsPerSecond {@code left / seconds}
 * @param cores the process's CPU use over those seconds
 */
record FlatOutDrain(int planned, int left, double seconds, double beatsPerSecond, double cores, int medianBatch,
                    int maxBatch) {
  /** Shorter drains are dominated by their ends (a batch, a poll): no ratio is claimed from them. */
  static final double MIN_SECONDS = 3;

  static FlatOutDrain of(EmbeddedPipeline.Run r, int planned) {
    long from = r.sent().flushedAtMillis();
    List<BeatScore> after = r.scores().stream().filter(s -> s.getScoredAtMillis() > from).toList();
    long[] scoredAt = after.stream().mapToLong(BeatScore::getScoredAtMillis).toArray();
    long last = Arrays.stream(scoredAt).max().orElse(from);
    int[] batches = after.stream().mapToInt(BeatScore::getBatchSize).sorted().toArray();
    return new FlatOutDrain(planned, after.size(), (last - from) / 1000.0, RunStats.rateAfter(scoredAt, from),
        r.cpu().cores(from, last), batches.length == 0 ? 0 : batches[batches.length / 2],
        batches.length == 0 ? 0 : batches[batches.length - 1]);
  }

  boolean longEnough() {
    return seconds >= MIN_SECONDS;
  }
}
