package org.ecgstream.model.beats;

import java.util.List;
import org.ecgstream.model.wfdb.WfdbHeader;
import org.ecgstream.model.wfdb.WfdbRecord;

/**
 * Which of a record's signals the beats are detected and judged on: the named lead where the
 * record has it, otherwise its first signal with a note saying so (MIT-BIH 114 has MLII second;
 * other databases name their leads differently). The other signal, where there is one, is the
 * second lead the classifier compares.
 */
public record LeadChoice(int primary, int secondary, String note) {
  /** No second lead: the record has one signal. */
  public static final int NONE = -1;

  public static LeadChoice of(WfdbRecord record, String lead) {
    List<WfdbHeader.Signal> signals = record.header().signals();
    int primary = -1;
    for (int s = 0; s < signals.size(); s++) {
      if (signals.get(s).description().equalsIgnoreCase(lead)) {
        primary = s;
        break;
      }
    }
    String note = "";
    if (primary < 0) {
      primary = 0;
      note = "record " + record.header().record() + " has no lead " + lead + " (it has "
          + signals.stream().map(WfdbHeader.Signal::description).toList() + "); using " + signals.get(0).description();
    }
    int secondary = NONE;
    for (int s = 0; s < signals.size() && secondary == NONE; s++) {
      if (s != primary) {
        secondary = s;
      }
    }
    return new LeadChoice(primary, secondary, note);
  }

  public String primaryName(WfdbRecord record) {
    return record.header().signals().get(primary).description();
  }
}
