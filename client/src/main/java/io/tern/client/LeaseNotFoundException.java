package io.tern.client;

import io.tern.client.protocol.Status;

/** The request named a lease that does not exist (never granted, revoked or expired). Nothing was done. */
public final class LeaseNotFoundException extends RequestRefusedException {

    public LeaseNotFoundException(String message) {
        super(Status.LEASE_NOT_FOUND, message);
    }
}
