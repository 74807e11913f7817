package org.ecgstream.playground.demo;

import java.util.ArrayList;
import java.util.List;
import org.ecgstream.job.replay.ReplayPlan;
import org.ecgstream.model.data.LabelledWindow;
import org.ecgstream.model.split.NormalSplit;

/**
 * The demo's patients, built from beats the model never trained on: healthy patients send only
 * normal beats; arrhythmic ones send 10 normal beats, a run of abnormal beats, then 10 normal.
 */
final class DemoPlan {
  static final int CALM = 10;

  private DemoPlan() {}

  static ReplayPlan of(NormalSplit split, int patients, int arrhythmic, int beatsPerPatient) {
    if (arrhythmic > patients || beatsPerPatient < 2 * CALM + 1) {
      throw new IllegalArgumentException("need arrhythmic <= patients and at least " + (2 * CALM + 1) + " beats per patient");
    }
    List<LabelledWindow> normals = new ArrayList<>(split.testNormal());
    normals.addAll(split.validation());
    List<LabelledWindow> abnormal = split.abnormal();
    int run = beatsPerPatient - 2 * CALM;
    int needNormal = (patients - arrhythmic) * beatsPerPatient + arrhythmic * 2 * CALM;
    if (needNormal > normals.size() || arrhythmic * run > abnormal.size()) {
      throw new IllegalArgumentException("not enough held-out beats for " + patients + " patients of " + beatsPerPatient
          + " beats (" + normals.size() + " normal, " + abnormal.size() + " abnormal available)");
    }
    ReplayPlan.Builder b = new ReplayPlan.Builder(normals.get(0).length(), normals.get(0).features());
    int n = 0;
    int a = 0;
    for (int p = 0; p < patients; p++) {
      String id = String.format("patient-%02d", p + 1);
      if (p < patients - arrhythmic) {
        b.addAll(id, normals.subList(n, n += beatsPerPatient));
      } else {
        b.addAll(id, normals.subList(n, n += CALM));
        b.addAll(id, abnormal.subList(a, a += run));
        b.addAll(id, normals.subList(n, n += CALM));
      }
    }
    return b.build();
  }
}
