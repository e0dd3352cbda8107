package dev.strata.web;

import dev.strata.domain.shared.DomainException;
import dev.strata.domain.shared.FieldError;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import java.util.Map;

/** Turns service errors into Faces messages: next to the field they are about, otherwise at the top. */
public final class Messages {

    private Messages() {
    }

    /** {@code fields} maps a service field name ("storageGb") to the client id of its input ("resize:storageGb"). */
    public static void show(DomainException e, Map<String, String> fields) {
        FacesContext faces = FacesContext.getCurrentInstance();
        boolean placed = false;
        for (FieldError err : e.errors()) {
            String clientId = fields.get(err.field());
            if (clientId != null) {
                faces.addMessage(clientId, new FacesMessage(FacesMessage.SEVERITY_ERROR, err.message(), null));
                placed = true;
            }
        }
        if (!placed) {
            faces.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, e.getMessage(), null));
        }
        faces.validationFailed();
    }

    public static void info(String text) {
        FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, text, null));
    }

    /** Messages survive the redirect that follows an action. */
    public static void keepForRedirect() {
        FacesContext.getCurrentInstance().getExternalContext().getFlash().setKeepMessages(true);
    }
}
