package io.tern.verify.nemesis;

import java.util.List;

/** The name, description, forms and needs that every {@link Fault} carries, given once at construction. */
abstract class AbstractFault implements Fault {

    private final String name;
    private final String description;
    private final boolean needsProcesses;
    private final boolean needsNetwork;
    private final List<FaultVariant> forms;

    AbstractFault(String name, String description, boolean needsProcesses, boolean needsNetwork,
                  List<FaultVariant> forms) {
        this.name = name;
        this.description = description;
        this.needsProcesses = needsProcesses;
        this.needsNetwork = needsNetwork;
        this.forms = List.copyOf(forms);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<FaultVariant> forms() {
        return forms;
    }

    @Override
    public final boolean needsProcesses() {
        return needsProcesses;
    }

    @Override
    public final boolean needsNetwork() {
        return needsNetwork;
    }

    @Override
    public String toString() {
        return name;
    }
}
