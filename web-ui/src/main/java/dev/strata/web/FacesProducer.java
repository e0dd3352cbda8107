package dev.strata.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.faces.context.FacesContext;

/** Makes the current FacesContext injectable. */
public class FacesProducer {

    @Produces
    @RequestScoped
    FacesContext faces() {
        return FacesContext.getCurrentInstance();
    }
}
