package io.tern.platform.tls;

/**
 * A certificate, key or CA file that cannot be used, or TLS flags that do not fit together; the
 * message is one line for the operator, naming the flag and the file.
 */
public final class TlsConfigException extends IllegalArgumentException {

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
