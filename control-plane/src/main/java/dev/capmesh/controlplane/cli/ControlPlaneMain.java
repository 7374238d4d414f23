package dev.capmesh.controlplane.cli;

/** Entry point of {@code bin/control-plane}; the commands arrive with the control-plane issue. */
public final class ControlPlaneMain {
  private ControlPlaneMain() {}

  /** Prints that the control plane is not available yet and exits with status 2. */
  public static void main(String[] args) {
    System.err.println("control-plane: not implemented yet in this build");
    System.exit(2);
  }
}
