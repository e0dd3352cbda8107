package dev.strata.web;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.component.UIComponent;
import jakarta.faces.component.UIInput;
import jakarta.faces.component.UIMessage;
import jakarta.faces.component.UIViewRoot;
import jakarta.faces.component.visit.VisitContext;
import jakarta.faces.component.visit.VisitHint;
import jakarta.faces.component.visit.VisitResult;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.SystemEvent;
import jakarta.faces.event.SystemEventListener;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ties every form error to its input, on every page, before the view renders (registered for
 * {@code PreRenderViewEvent} in faces-config.xml): an input with an error message gets {@code aria-invalid="true"}
 * and, when an {@code h:message} shows that message, {@code aria-describedby} naming it; an input whose error is gone
 * loses both again (its own {@code aria-describedby} targets stay). The script moves focus to the first invalid input.
 */
public class InvalidInputs implements SystemEventListener {

    static final String DESCRIBED_BY = "aria-describedby";
    static final String INVALID = "aria-invalid";

    @Override
    public boolean isListenerForSource(Object source) {
        return source instanceof UIViewRoot;
    }

    @Override
    public void processEvent(SystemEvent event) {
        FacesContext faces = FacesContext.getCurrentInstance();
        UIViewRoot root = (UIViewRoot) event.getSource();
        Set<String> erroneous = new HashSet<>();
        faces.getClientIdsWithMessages().forEachRemaining(id -> {
            if (id != null && faces.getMessageList(id).stream()
                    .anyMatch(m -> m.getSeverity().getOrdinal() >= FacesMessage.SEVERITY_ERROR.getOrdinal())) {
                erroneous.add(id);
            }
        });
        // which element shows each input's message: an h:message for it, given an HTML id when it has none of its own
        Map<String, String> messageOf = new LinkedHashMap<>();
        VisitContext visit = VisitContext.createVisitContext(faces, null, EnumSet.of(VisitHint.SKIP_UNRENDERED));
        root.visitTree(visit, (ctx, c) -> {
            if (c instanceof UIMessage m && m.getFor() != null) {
                UIComponent target = m.findComponent(m.getFor());
                if (target instanceof UIInput) {
                    String targetId = target.getClientId(faces);
                    String htmlId;
                    if (m.getId() == null || m.getId().startsWith(UIViewRoot.UNIQUE_ID_PREFIX)) {
                        // no id of its own is rendered for an h:message without one: a pass-through id, stable per input
                        htmlId = targetId + "-error";
                        m.getPassThroughAttributes().put("id", htmlId);
                    } else {
                        htmlId = m.getClientId(faces);
                    }
                    messageOf.put(targetId, htmlId);
                }
            }
            return VisitResult.ACCEPT;
        });
        root.visitTree(visit, (ctx, c) -> {
            if (c instanceof UIInput input) {
                String id = input.getClientId(faces);
                boolean invalid = !input.isValid() || erroneous.contains(id);
                String message = messageOf.get(id);
                if (!invalid && message == null && input.getPassThroughAttributes(false) == null) {
                    return VisitResult.ACCEPT;
                }
                Map<String, Object> attributes = input.getPassThroughAttributes();
                if (invalid) {
                    attributes.put(INVALID, "true");
                } else {
                    attributes.remove(INVALID);
                }
                if (message != null) {
                    Object own = attributes.get(DESCRIBED_BY);
                    if (own instanceof jakarta.el.ValueExpression expression) {
                        own = expression.getValue(faces.getELContext());
                    }
                    String others = without(own, message);
                    String value = invalid ? (others.isEmpty() ? message : others + " " + message) : others;
                    if (value.isEmpty()) {
                        attributes.remove(DESCRIBED_BY);
                    } else {
                        attributes.put(DESCRIBED_BY, value);
                    }
                }
            }
            return VisitResult.ACCEPT;
        });
    }

    /** The space-separated ids of {@code list} but {@code id}. */
    static String without(Object list, String id) {
        if (list == null) {
            return "";
        }
        return Arrays.stream(list.toString().trim().split("\\s+")).filter(s -> !s.isEmpty() && !s.equals(id))
                .collect(Collectors.joining(" "));
    }
}
