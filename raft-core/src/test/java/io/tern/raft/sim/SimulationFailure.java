package io.tern.raft.sim;

/** A safety or liveness property was violated; the message names the seed and how to replay it. */
final class SimulationFailure extends RuntimeException {
    SimulationFailure(String message) {
        super(message);
    }

    SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
