package io.tern.verify.nemesis;

import java.time.Duration;

/**
 * One entry of a {@link FaultSchedule}: after {@code quiet} of health, {@code fault} in form
 * {@code variant} for {@code active}. Which nodes it hits depends on the cluster at that moment (who
 * leads, who is a member), so the step carries {@code pick}, the seed from which {@link Targets}
 * draws them: the same step against the same cluster state hits the same nodes.
 *
 * @param number  1 for the first step of a schedule
 * @param latency for {@link Faults#SLOW}: the added delay each way
 * @param jitter  for {@link Faults#SLOW}: the delay varies by up to this either way
 */
public record FaultStep(int number, Fault fault, FaultVariant variant, long pick, Duration quiet, Duration active,
                        Duration latency, Duration jitter) {

    @Override
    public String toString() {
        return "#" + number + " " + fault.name() + " (" + variant.description() + ") for " + active.toMillis()
                + " ms after " + quiet.toMillis() + " ms" + (fault == Faults.SLOW
                ? ", latency " + latency.toMillis() + " ms ± " + jitter.toMillis() + " ms" : "") + ", pick " + pick;
    }
}
