package dev.strata.domain.shared;

import java.util.List;

/** Nothing of that kind with that id is visible to the caller (also what another workspace's ids look like). */
public class NotFoundException extends DomainException {

    public NotFoundException(String kind, String id) {
        super(kind + " " + id + " not found", List.of());
    }
}
