package io.modelvitals.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The house rules, checked on the bytecode of src/main: packages follow the topology's stages and import each other
 * in one direction only (docs/architecture.md draws it).
 */
@AnalyzeClasses(packages = "io.modelvitals", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] JOB_PACKAGES = {
        "io.modelvitals.job..",
        "io.modelvitals.join..",
        "io.modelvitals.pane..",
        "io.modelvitals.quality..",
        "io.modelvitals.output..",
        "io.modelvitals.business..",
        "io.modelvitals.estimation..",
        "io.modelvitals.operational..",
        "io.modelvitals.alerting..",
        "io.modelvitals.events..",
        "io.modelvitals.vitals..",
        "io.modelvitals.config..",
        "io.modelvitals.io..",
        "io.modelvitals.functions..",
        "io.modelvitals.forward.."
    };

    @ArchTest
    static final ArchRule noPackageCycles =
            slices().matching("io.modelvitals.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theJobNeverImportsTheTools = noClasses()
            .that()
            .resideInAnyPackage(JOB_PACKAGES)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.modelvitals.tools..", "io.modelvitals.cli..");

    /** The spec is read by every stage: it must not know any of them. */
    @ArchTest
    static final ArchRule configIsALeaf = noClasses()
            .that()
            .resideInAPackage("io.modelvitals.config..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("io.modelvitals.config..", "java..", "com.fasterxml..");

    /** The accumulators are state: statistics that know no record, stage or spec (Flink only for the sketch's serializer). */
    @ArchTest
    static final ArchRule vitalsIsALeaf = noClasses()
            .that()
            .resideInAPackage("io.modelvitals.vitals..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages(
                    "io.modelvitals.vitals..",
                    "java..",
                    "org.apache.commons.math3..",
                    "org.apache.datasketches..",
                    "org.apache.flink..");

    /** The records know only the spec types some of them carry and the accumulators the summaries hold. */
    @ArchTest
    static final ArchRule eventsDependOnlyOnLeaves = noClasses()
            .that()
            .resideInAPackage("io.modelvitals.events..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.modelvitals.job..",
                    "io.modelvitals.join..",
                    "io.modelvitals.pane..",
                    "io.modelvitals.quality..",
                    "io.modelvitals.output..",
                    "io.modelvitals.business..",
                    "io.modelvitals.estimation..",
                    "io.modelvitals.operational..",
                    "io.modelvitals.alerting..",
                    "io.modelvitals.io..",
                    "io.modelvitals.functions..",
                    "io.modelvitals.tools..",
                    "io.modelvitals.cli..");

    /** Stages talk through records and the pane machinery, never to each other's operators. */
    @ArchTest
    static void stagesDoNotImportEachOther(JavaClasses classes) {
        String[] stages = {"join", "quality", "output", "business", "estimation"};
        for (String stage : stages) {
            for (String other : stages) {
                if (stage.equals(other)) continue;
                noClasses()
                        .that()
                        .resideInAPackage("io.modelvitals." + stage + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("io.modelvitals." + other + "..")
                        .check(classes);
            }
        }
    }
}
