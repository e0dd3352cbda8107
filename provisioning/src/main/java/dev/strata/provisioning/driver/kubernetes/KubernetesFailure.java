package dev.strata.provisioning.driver.kubernetes;

/**
 * The API server refused or could not be reached. The message is meant for the database's status message: what
 * was attempted, the HTTP code and the API server's own explanation (never a stack trace, never a secret).
 */
public class KubernetesFailure extends RuntimeException {

    private final int code;

    public KubernetesFailure(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The HTTP status of the API server's answer, 0 when it could not be reached. */
    public int code() {
        return code;
    }
}
