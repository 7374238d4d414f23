package dev.capmesh.controlplane.store;

/** Where a rollout is. */
public enum RolloutState {
  /** Rolling out wave by wave (the first wave is the canary). */
  WAVES("wave"),
  /** Too many failures (or an operator's rollback): every runner returns to a known version. */
  ROLLING_BACK("rolling-back"),
  /** Every online runner ACKed the target version. Final. */
  COMPLETED("completed"),
  /** The fleet is back on the version it rolled back to. Final. */
  ROLLED_BACK("rolled-back");

  private final String label;

  RolloutState(String label) {
    this.label = label;
  }

  /** The name operators see ({@code RolloutEvent.state}). */
  public String label() {
    return label;
  }

  /** Whether nothing happens any more. */
  public boolean terminal() {
    return this == COMPLETED || this == ROLLED_BACK;
  }
}
