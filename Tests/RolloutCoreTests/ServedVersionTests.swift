import Foundation
import XCTest
@testable import RolloutCore

/// Types a Kubernetes 1.32 API server does not serve: kubectl's RESTMapper finds no match —
/// `resource mapping not found for name: "web" namespace: "" from "web.yaml": no matches for kind
/// "Deployment" in version "apps/v1beta1"` — so the object is never sent. Versions and removal
/// releases from the deprecated API migration guide
/// (kubernetes.io/docs/reference/using-api/deprecation-guide); the core group's kinds from
/// `k8s.io/api/core/v1` register.go `addKnownTypes`. Custom resources (groups Kubernetes does not
/// own) are left to their CustomResourceDefinitions.
final class ServedVersionTests: XCTestCase {
    func testUnservedVersionsAndKinds() {
        let cases: [(apiVersion: String, kind: String, expected: String?)] = [
            ("apps/v1", "Deployment", nil),
            ("v1", "Service", nil),
            ("v1", "PodTemplate", nil),
            ("autoscaling/v1", "HorizontalPodAutoscaler", nil),
            ("autoscaling/v2", "HorizontalPodAutoscaler", nil),
            ("policy/v1", "PodDisruptionBudget", nil),
            ("example.com/v1", "Widget", nil),
            ("argoproj.io/v1alpha1", "Rollout", nil),
            // Groups the API server serves without a CustomResourceDefinition, beyond the kinds
            // simulated here; and Kubernetes projects' groups that are CRDs (Gateway API).
            ("discovery.k8s.io/v1", "EndpointSlice", nil),
            ("coordination.k8s.io/v1", "Lease", nil),
            ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", nil),
            ("gateway.networking.k8s.io/v1", "HTTPRoute", nil),
            ("apps/v1", "Widget", "no matches for kind \"Widget\" in version \"apps/v1\": the API server's apps group has no such kind"),
            ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema",
             "no matches for kind \"FlowSchema\" in version \"flowcontrol.apiserver.k8s.io/v1beta3\": Kubernetes removed it in 1.32: use flowcontrol.apiserver.k8s.io/v1"),
            ("discovery.k8s.io/v1beta1", "EndpointSlice",
             "no matches for kind \"EndpointSlice\" in version \"discovery.k8s.io/v1beta1\": Kubernetes removed it in 1.25: use discovery.k8s.io/v1"),
            ("apps/v1beta1", "Deployment", "no matches for kind \"Deployment\" in version \"apps/v1beta1\": Kubernetes removed it in 1.16: use apps/v1"),
            ("apps/v1beta2", "StatefulSet", "no matches for kind \"StatefulSet\" in version \"apps/v1beta2\": Kubernetes removed it in 1.16: use apps/v1"),
            ("extensions/v1beta1", "Deployment",
             "no matches for kind \"Deployment\" in version \"extensions/v1beta1\": Kubernetes removed it in 1.16, with the whole extensions group: use apps/v1"),
            ("extensions/v1beta1", "Ingress",
             "no matches for kind \"Ingress\" in version \"extensions/v1beta1\": Kubernetes removed it in 1.22, with the whole extensions group: use networking.k8s.io/v1"),
            ("networking.k8s.io/v1beta1", "Ingress",
             "no matches for kind \"Ingress\" in version \"networking.k8s.io/v1beta1\": Kubernetes removed it in 1.22: use networking.k8s.io/v1"),
            ("policy/v1beta1", "PodDisruptionBudget",
             "no matches for kind \"PodDisruptionBudget\" in version \"policy/v1beta1\": Kubernetes removed it in 1.25: use policy/v1"),
            ("policy/v1beta1", "PodSecurityPolicy", "no matches for kind \"PodSecurityPolicy\" in version \"policy/v1beta1\": Kubernetes removed it in 1.25"),
            ("batch/v1beta1", "CronJob", "no matches for kind \"CronJob\" in version \"batch/v1beta1\": Kubernetes removed it in 1.25: use batch/v1"),
            ("autoscaling/v2beta2", "HorizontalPodAutoscaler",
             "no matches for kind \"HorizontalPodAutoscaler\" in version \"autoscaling/v2beta2\": Kubernetes removed it in 1.26: use autoscaling/v1 or autoscaling/v2"),
            ("rbac.authorization.k8s.io/v1beta1", "ClusterRole",
             "no matches for kind \"ClusterRole\" in version \"rbac.authorization.k8s.io/v1beta1\": Kubernetes removed it in 1.22: use rbac.authorization.k8s.io/v1"),
            ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition",
             "no matches for kind \"CustomResourceDefinition\" in version \"apiextensions.k8s.io/v1beta1\": Kubernetes removed it in 1.22: use apiextensions.k8s.io/v1"),
            ("batch/v2", "Job", "no matches for kind \"Job\" in version \"batch/v2\": Kubernetes 1.32 serves Job at batch/v1"),
            ("v2", "Pod", "no matches for kind \"Pod\" in version \"v2\": the core group is served at v1 only"),
            ("v1", "Widget", "no matches for kind \"Widget\" in version \"v1\": the core group has no such kind, and a custom resource's group has a dot in it"),
        ]
        for c in cases {
            XCTAssertEqual(ResourceType.unservedProblem(apiVersion: c.apiVersion, kind: c.kind), c.expected, "\(c.apiVersion) \(c.kind)")
        }
    }

    /// An old chart's manifest is refused whole, at its apiVersion, with no other error from a
    /// schema that is not the one it was written for; nothing is stored. A cluster dump of an
    /// older cluster is imported as it is (its objects were stored then).
    func testApplyRefusesAnUnservedVersionAndChangesNothing() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: RolloutRun.binary.path), "rollout binary not built")
        let s = try Scratch(self)
        XCTAssertEqual(try s.run("cluster", "init", "--nodes", "1").status, 0)
        let manifest = try s.write("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: app, image: nginx}]
            """, "old.yaml")
        let run = try s.run("apply", "-f", manifest)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.stderr, "error: \(manifest): deployment.extensions/web: apiVersion: Invalid value: \"extensions/v1beta1\": no matches for kind \"Deployment\" in version \"extensions/v1beta1\": Kubernetes removed it in 1.16, with the whole extensions group: use apps/v1 (line 5, column 13)\n")
        XCTAssertEqual(try s.run("get", "cm", "settings").status, 1, "nothing applied")
        XCTAssertEqual(try s.run("plan", "-f", manifest).status, 2)
        XCTAssertEqual(try RolloutRun.run(["lint", "-f", manifest]).status, 2)
    }
}
