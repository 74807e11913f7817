package org.ecgstream.model.training;

import java.util.Locale;
import org.ecgstream.model.scoring.ErrorScore;

/** The error score a training run fits: its kind and, for Mahalanobis, the covariance's shrinkage. */
public record ErrorScoreChoice(ErrorScore.Kind kind, double shrinkage) {
  public static final ErrorScoreChoice SUM = new ErrorScoreChoice(ErrorScore.Kind.SUM, 0);

  public ErrorScoreChoice {
    if (kind == null || !(shrinkage >= 0 && shrinkage <= 1)) {
      throw new IllegalArgumentException("error score " + kind + " with shrinkage " + shrinkage
          + ": the kind is sum or mahalanobis, the shrinkage in [0, 1]");
    }
  }

  /** Whether {@code s} is what this choice fits (its parameters aside). */
  public boolean matches(ErrorScore s) {
    return s.kind() == kind && (kind == ErrorScore.Kind.SUM || s.shrinkage() == shrinkage);
  }

  @Override
  public String toString() {
    return kind == ErrorScore.Kind.SUM ? "sum" : String.format(Locale.ROOT, "mahalanobis (shrinkage %.2f)", shrinkage);
  }
}
