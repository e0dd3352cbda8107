package dev.strata.api.problem;

import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.InvalidInputException;
import dev.strata.domain.shared.NotFoundException;
import dev.strata.domain.shared.UnavailableException;
import dev.strata.domain.shared.UnprocessableException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every failure of a request becomes problem+json here, in one place: domain exceptions by kind, framework
 * answers (unknown path, wrong method or content type) with their own status, clashes of concurrent writers as
 * 409, and anything else as a 500 that is logged loudly with an incident id the client also sees.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    @Override
    public Response toResponse(Throwable thrown) {
        DomainException domain = find(thrown, DomainException.class);
        if (domain != null) {
            return fromDomain(domain);
        }
        if (thrown instanceof WebApplicationException wae) {
            int status = wae.getResponse().getStatus();
            if (status >= 500) {
                return internal(thrown);
            }
            if (find(thrown, JsonException.class) != null || find(thrown, JsonbException.class) != null) {
                return malformed();
            }
            boolean standard = List.of(404, 405, 406, 415).contains(status);
            return Problems.forStatus(status, standard ? null : thrown.getMessage());
        }
        if (find(thrown, JsonException.class) != null || find(thrown, JsonbException.class) != null
                || thrown instanceof ProcessingException) {
            return malformed();
        }
        if (find(thrown, OptimisticLockException.class) != null) {
            return Problems.response(409, "concurrent-change", "Conflict",
                    "the resource was changed by another request at the same time; read it again and retry", List.of());
        }
        if (find(thrown, SQLIntegrityConstraintViolationException.class) != null) {
            return Problems.response(409, "conflict", "Conflict", "the request clashes with an existing resource", List.of());
        }
        return internal(thrown);
    }

    private static Response fromDomain(DomainException e) {
        if (e instanceof InvalidInputException) {
            return Problems.response(400, "validation-error", "Validation failed", e.getMessage(), e.errors());
        }
        if (e instanceof UnprocessableException) {
            return Problems.response(422, "unprocessable", "Cannot be carried out", e.getMessage(), e.errors());
        }
        if (e instanceof ConflictException) {
            return Problems.response(409, "conflict", "Conflict", e.getMessage(), e.errors());
        }
        if (e instanceof NotFoundException) {
            return Problems.response(404, "not-found", "Not Found", e.getMessage(), List.of());
        }
        if (e instanceof UnavailableException) {
            return Problems.response(503, "unavailable", "Service Unavailable", e.getMessage(), List.of());
        }
        return Problems.response(400, "bad-request", "Bad Request", e.getMessage(), e.errors());
    }

    private static Response malformed() {
        return Problems.response(400, "malformed-json", "Malformed JSON", "the request body is not valid JSON", List.of());
    }

    private static Response internal(Throwable thrown) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident + ": unexpected failure", thrown);
        return Problems.response(500, "internal-error", "Internal Server Error",
                "an unexpected error occurred; incident " + incident + " is in the server log", List.of());
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
