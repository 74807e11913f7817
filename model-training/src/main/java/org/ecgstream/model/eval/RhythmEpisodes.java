package org.ecgstream.model.eval;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.model.wfdb.Annotation;

/**
 * A record's rhythm episodes from its reference annotations: each rhythm annotation ({@code +}
 * with an auxiliary text such as {@code (VT}, {@code (VFL}, {@code (B}) starts an episode that lasts
 * until the next one or the end of the record. MIT-BIH marks runs of three or more ventricular
 * beats as {@code (VT}, bigeminy as {@code (B}, ventricular flutter as {@code (VFL}.
 */
public record RhythmEpisodes(List<Episode> episodes) {
  /** One episode: samples [start, end) of rhythm {@code rhythm} (the text without its parenthesis). */
  public record Episode(long start, long end, String rhythm) {
    public boolean overlaps(long from, long to) {
      return start < to && from < end;
    }
  }

  public static RhythmEpisodes of(List<Annotation> annotations, long samples) {
    List<Episode> out = new ArrayList<>();
    Annotation open = null;
    for (Annotation a : annotations) {
      if (a.code().equals("+") && a.aux().startsWith("(")) {
        if (open != null) {
          out.add(new Episode(open.sample(), a.sample(), open.aux().substring(1).strip()));
        }
        open = a;
      }
    }
    if (open != null) {
      out.add(new Episode(open.sample(), samples, open.aux().substring(1).strip()));
    }
    return new RhythmEpisodes(List.copyOf(out));
  }

  /** The episodes of {@code rhythm} that end after sample {@code from}. */
  public List<Episode> of(String rhythm, long from) {
    return episodes.stream().filter(e -> e.rhythm().equals(rhythm) && e.end() > from).toList();
  }
}
