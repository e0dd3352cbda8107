package dev.strata.domain.shared;

import java.util.List;

/** A system Strata depends on (a Kubernetes API server, say) cannot answer now; the request may succeed later. */
public class UnavailableException extends DomainException {

    public UnavailableException(String message) {
        super(message, List.of());
    }
}
