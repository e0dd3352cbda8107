package dev.strata.api.auth;

import dev.strata.provisioning.auth.Caller;
import jakarta.enterprise.context.RequestScoped;

/** The authenticated caller of this request, set by {@link BearerKeyFilter}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("request was not authenticated");
        }
        return caller;
    }
}
