package io.tern.client.net;

/**
 * When a {@link ProtocolConnection} refuses a request instead of queueing it: past
 * {@code maxInFlight} requests awaiting answers, or, if {@code refuseWhenNotWritable}, while the
 * channel is over its write-buffer high water mark. Refused requests fail with
 * {@link ConnectionBusyException}, never sent.
 */
public record SendLimits(int maxInFlight, boolean refuseWhenNotWritable) {

    /** Queue everything: the caller bounds its own requests (the client, by its deadlines). */
    public static final SendLimits NONE = new SendLimits(Integer.MAX_VALUE, false);

    public SendLimits {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive: " + maxInFlight);
        }
    }
}
