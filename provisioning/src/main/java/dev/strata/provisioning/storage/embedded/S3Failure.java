package dev.strata.provisioning.storage.embedded;

/** An S3 error answer of the requests Strata's front of the endpoint handles itself: status, S3 code, message. */
class S3Failure extends RuntimeException {

    private final int status;
    private final String code;

    S3Failure(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
