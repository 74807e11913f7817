package org.ecgstream.job.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.ecgstream.model.data.ShippedData;
import org.ecgstream.model.wfdb.WfdbRecord;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
  @Test
  void eachRecordSendsItsOwnChannel() {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "208");
    // The same record twice, as if its MLII were on the first channel in one and the second in the other.
    ReplayPlan plan = ReplayPlan.ofRecords(List.of(r, r), List.of("a", "b"), new int[][] {{0}, {1}}, 360, 2);
    List<PlannedBeat> all = plan.all();
    assertThat(all).hasSize(4);
    float[] first = r.physical(0);
    float[] second = r.physical(1);
    PlannedBeat a = all.stream().filter(b -> b.sourceId().equals("a") && b.firstSequence() == 360).findFirst()
        .orElseThrow();
    PlannedBeat b = all.stream().filter(x -> x.sourceId().equals("b") && x.firstSequence() == 360).findFirst()
        .orElseThrow();
    assertThat(a.values()).hasSize(360).containsExactly(java.util.Arrays.copyOfRange(first, 360, 720));
    assertThat(b.values()).hasSize(360).containsExactly(java.util.Arrays.copyOfRange(second, 360, 720));
  }

  @Test
  void refusesRecordsThatSendDifferentNumbersOfLeads() {
    WfdbRecord r = WfdbRecord.read(ShippedData.mitdb(), "100");
    assertThatThrownBy(() -> ReplayPlan.ofRecords(List.of(r, r), List.of("a", "b"), new int[][] {{0}, {0, 1}}, 360, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("record 100 sends 2 lead(s), the first 1; send the same number from every record");
    assertThatThrownBy(() -> ReplayPlan.ofRecords(List.of(r), List.of("a"), new int[][] {{0}, {1}}, 360, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1 record(s), 1 id(s), 2 channel list(s)");
  }
}
