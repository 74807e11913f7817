package org.ecgstream.model.eval;

import java.util.List;

/**
 * One alert kind scored against the reference rhythm it names: a reference episode (from the end
 * of learning on) is found when an alert of the kind is open at some point within
 * {@value #TOLERANCE_S} s of it; an alert is true when it opens within {@value #TOLERANCE_S} s of such
 * an episode, false otherwise.
 */
public record KindScore(int episodes, int found, int alerts, int falseAlerts, double hours) {
  public static final double TOLERANCE_S = 1.0;

  public static KindScore of(List<AlertKinds.Alert> alerts, AlertKinds.Kind kind, List<RhythmEpisodes.Episode> reference,
                             long[] peaks, long from, double fs, double hours) {
    long tol = Math.round(TOLERANCE_S * fs);
    List<AlertKinds.Alert> own = alerts.stream().filter(a -> a.kind() == kind && peaks[a.openedAt()] >= from).toList();
    List<RhythmEpisodes.Episode> episodes = reference.stream().filter(e -> e.end() > from).toList();
    int found = 0;
    for (RhythmEpisodes.Episode e : episodes) {
      boolean hit = own.stream().anyMatch(a -> e.overlaps(peaks[a.openedAt()] - tol, peaks[a.closedAt()] + tol + 1));
      found += hit ? 1 : 0;
    }
    int wrong = 0;
    for (AlertKinds.Alert a : own) {
      long at = peaks[a.openedAt()];
      wrong += episodes.stream().anyMatch(e -> e.overlaps(at - tol, at + tol + 1)) ? 0 : 1;
    }
    return new KindScore(episodes.size(), found, own.size(), wrong, hours);
  }

  public double sensitivity() {
    return episodes == 0 ? Double.NaN : found / (double) episodes;
  }

  public double positivePredictivity() {
    return alerts == 0 ? Double.NaN : (alerts - falseAlerts) / (double) alerts;
  }

  public double falseAlertsPerHour() {
    return falseAlerts / hours;
  }

  public KindScore plus(KindScore o) {
    return new KindScore(episodes + o.episodes, found + o.found, alerts + o.alerts, falseAlerts + o.falseAlerts,
        hours + o.hours);
  }

  public static KindScore none() {
    return new KindScore(0, 0, 0, 0, 0);
  }
}
