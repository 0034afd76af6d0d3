import RolloutCore
import XCTest

/// Printers against golden files: `describe` with conditions, owned ReplicaSets and events, and
/// the `get` columns of objects with status (as the controllers will write it).
final class PrinterTests: XCTestCase {
    func resource(_ json: String) throws -> Resource {
        Resource(try XCTUnwrap(JSONReader.parse(json).objectValue))
    }

    func fixtures() throws -> (deployment: Resource, replicaSet: Resource, pod: Resource, event: Resource) {
        let deployment = try resource("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","uid":"d-1","creationTimestamp":"2025-01-01T00:00:00Z",
         "labels":{"app":"web"},"annotations":{"deployment.kubernetes.io/revision":"2","kubernetes.io/change-cause":"bump"}},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],
          "readinessProbe":{"httpGet":{"path":"/","port":80,"scheme":"HTTP"},"periodSeconds":5}}]}}},
         "status":{"observedGeneration":2,"replicas":3,"updatedReplicas":3,"readyReplicas":3,"availableReplicas":3,
          "conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"Deployment has minimum availability."},
                        {"type":"Progressing","status":"True","reason":"NewReplicaSetAvailable","message":"ReplicaSet \\"web-7d9f8\\" has successfully progressed."}]}}
        """)
        // (Its template the Deployment's and the hash label, as the controller makes it:
        // `describe` finds the new ReplicaSet by template, FindNewReplicaSet.)
        let replicaSet = try resource("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-7d9f8","namespace":"default","uid":"rs-2","creationTimestamp":"2025-01-01T00:01:00Z",
         "annotations":{"deployment.kubernetes.io/revision":"2"},"labels":{"app":"web","pod-template-hash":"7d9f8"},
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"d-1","controller":true}]},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","pod-template-hash":"7d9f8"}},"template":{"metadata":{"labels":{"app":"web","pod-template-hash":"7d9f8"}},"spec":{"containers":[{"name":"web","image":"nginx:1.27",
          "ports":[{"containerPort":80,"protocol":"TCP"}],"readinessProbe":{"httpGet":{"path":"/","port":80,"scheme":"HTTP"},"periodSeconds":5}}]}}},
         "status":{"replicas":3,"readyReplicas":3,"availableReplicas":3}}
        """)
        let pod = try resource("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d9f8-bx4kz","namespace":"default","uid":"p-1","creationTimestamp":"2025-01-01T00:01:00Z","labels":{"app":"web"},
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-7d9f8","uid":"rs-2","controller":true}]},
         "spec":{"nodeName":"node-1","containers":[{"name":"web","image":"nginx:1.27"}]},
         "status":{"phase":"Running","podIP":"10.42.0.7","containerStatuses":[{"name":"web","ready":false,"restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
        """)
        let event = try resource("""
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1","namespace":"default"},"involvedObject":{"kind":"Deployment","name":"web","uid":"d-1"},
         "type":"Normal","reason":"ScalingReplicaSet","message":"Scaled up replica set web-7d9f8 from 0 to 1","source":{"component":"deployment-controller"},
         "firstTimestamp":"2025-01-01T00:01:00Z","lastTimestamp":"2025-01-01T00:01:30Z","count":2}
        """)
        return (deployment, replicaSet, pod, event)
    }

    func testDescribeDeploymentWithConditionsReplicaSetsAndEvents() throws {
        let f = try fixtures()
        let now = Timestamp(parsing: "2025-01-01T00:05:00Z")!
        let describer = Describer(now: now, events: [f.event], related: [f.replicaSet, f.pod])
        try assertGolden(describer.describe(f.deployment) + "\n---\n" + describer.describe(f.replicaSet) + "\n---\n" + describer.describe(f.pod), "describe-with-status.txt")
    }

    /// Each object's events, found by its uid (the describer indexes them once: `describe
    /// pods` of 2,000 pods filtered every event for every pod), by last time then name, as
    /// kubectl's SortableEvents; an object without a uid has none, nor does an event without one.
    func testEachObjectGetsItsOwnEventsInOrder() throws {
        let f = try fixtures()
        func event(_ name: String, uid: String, last: String, reason: String) throws -> Resource {
            try resource("""
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"\(name)","namespace":"default"},"involvedObject":{"kind":"Pod","name":"p","uid":"\(uid)"},
             "type":"Normal","reason":"\(reason)","message":"m","source":{"component":"kubelet"},"firstTimestamp":"\(last)","lastTimestamp":"\(last)","count":1}
            """)
        }
        let events = [try event("b", uid: "p-1", last: "2025-01-01T00:02:00Z", reason: "Second"), f.event,
                      try event("a", uid: "p-1", last: "2025-01-01T00:02:00Z", reason: "First"),
                      try event("c", uid: "p-1", last: "2025-01-01T00:01:00Z", reason: "Earliest"),
                      try event("d", uid: "", last: "2025-01-01T00:00:00Z", reason: "Nobody")]
        let describer = Describer(now: Timestamp(parsing: "2025-01-01T00:05:00Z")!, events: events)
        let pod = describer.describe(f.pod)
        let reasons = pod.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            return fields.count > 1 && fields[0] == "Normal" ? String(fields[1]) : nil
        }
        XCTAssertEqual(reasons, ["Earliest", "First", "Second"])
        XCTAssertTrue(describer.describe(f.deployment).contains("ScalingReplicaSet"))
        var anonymous = f.pod
        var meta = anonymous.metadata
        meta["uid"] = nil
        anonymous.metadata = meta
        let described = describer.describe(anonymous)
        XCTAssertTrue(described.contains("Events:") && !described.contains("Nobody") && !described.contains("Earliest"), described)
    }

    func testTablesFromStatus() throws {
        let f = try fixtures()
        let now = Timestamp(parsing: "2025-01-01T02:00:00Z")!
        var text = ""
        for r in [f.deployment, f.replicaSet, f.pod, f.event] {
            text += TablePrinter.table([r], type: r.type, now: now, options: TableOptions(wide: r.kind != "Event")) + "\n"
        }
        try assertGolden(text, "tables-with-status.txt")
    }
}

extension PrinterTests {
    /// printRoleBinding and printClusterRoleBinding (NAME, ROLE as `Kind/name`, AGE; wide, the
    /// subjects as rbac.SubjectsStrings sorts them: users, groups, service accounts as
    /// `namespace/name`, any other kind left out), printRole (NAME, CREATED AT in RFC 3339) and
    /// the default table convertor apiextensions-apiserver serves CRDs with (the same).
    func testRBACAndDefinitionTables() throws {
        func object(_ json: String) throws -> Resource { Resource(try XCTUnwrap(try JSONReader.parse(json).objectValue)) }
        let now = try XCTUnwrap(Timestamp(parsing: "2025-01-01T00:05:00Z"))
        let binding = try object(#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"ops","creationTimestamp":"2025-01-01T00:00:00Z"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"},"subjects":[{"kind":"User","name":"jane"},{"kind":"ServiceAccount","name":"ci","namespace":"tools"},{"kind":"Group","name":"devs"},{"kind":"User","name":"joe"},{"kind":"ServiceAccount","name":"app","namespace":"default"}]}"#)
        XCTAssertEqual(TablePrinter.table([binding], type: binding.type, now: now, options: TableOptions()),
                       "NAME   ROLE                AGE\nops    ClusterRole/admin   5m\n")
        XCTAssertEqual(TablePrinter.table([binding], type: binding.type, now: now, options: TableOptions(wide: true)),
                       "NAME   ROLE                AGE   USERS       GROUPS   SERVICEACCOUNTS\nops    ClusterRole/admin   5m    jane, joe   devs     tools/ci, default/app\n")
        let role = try object(#"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"reader","namespace":"default","creationTimestamp":"2025-01-01T00:00:00Z"},"rules":[]}"#)
        XCTAssertEqual(TablePrinter.table([role], type: role.type, now: now, options: TableOptions()), "NAME     CREATED AT\nreader   2025-01-01T00:00:00Z\n")
        let crd = try object(#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com","creationTimestamp":"2025-01-01T00:00:00Z"},"spec":{}}"#)
        XCTAssertEqual(TablePrinter.table([crd], type: crd.type, now: now, options: TableOptions()), "NAME                  CREATED AT\nwidgets.example.com   2025-01-01T00:00:00Z\n")
    }
}

extension PrinterTests {
    /// kubectl 1.32's describers, where a corpus run against a served state showed them apart
    /// (`kubectl/pkg/describe/describe.go`): describeService lists each port's endpoints from
    /// the Service's EndpointSlices, only those of that port's name
    /// (`formatEndpointSlices(endpointSlices, sets.New(sp.Name))`), and a requested
    /// `loadBalancerIP` as `Desired LoadBalancer IP`; its selector is `labels.FormatLabels`,
    /// `key=value` strings sorted, so `app.kubernetes.io/x=…` before `app=…`;
    /// describeContainerBasicInfo shows a container's seccomp profile.
    func testDescribersAsKubectlOnAServedCorpus() throws {
        func object(_ json: String) throws -> Resource { Resource(try XCTUnwrap(try JSONReader.parse(json).objectValue)) }
        let service = try object(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"dns","namespace":"kube-system"},"spec":{"type":"LoadBalancer","loadBalancerIP":"203.0.113.7","selector":{"app":"dns","app.kubernetes.io/name":"dns"},"clusterIP":"10.43.0.10","clusterIPs":["10.43.0.10"],"ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":53},{"name":"metrics","port":9153,"protocol":"TCP","targetPort":9153}]}}"#)
        let slice = try object(#"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"dns-abcde","namespace":"kube-system","labels":{"kubernetes.io/service-name":"dns"}},"addressType":"IPv4","ports":[{"name":"dns","port":53,"protocol":"UDP"},{"name":"metrics","port":9153,"protocol":"TCP"}],"endpoints":[{"addresses":["10.42.0.4"],"conditions":{"ready":true}}]}"#)
        let described = Describer(now: .clusterEpoch, events: [], related: [slice]).describe(service)
        XCTAssertTrue(described.contains("Selector:                 app.kubernetes.io/name=dns,app=dns\n"), described)
        XCTAssertTrue(described.contains("IPs:                      10.43.0.10\nDesired LoadBalancer IP:  203.0.113.7\n"), described)
        XCTAssertTrue(described.contains("Port:                     dns  53/UDP\nTargetPort:               53/UDP\nEndpoints:                10.42.0.4:53\n"), described)
        XCTAssertTrue(described.contains("Port:                     metrics  9153/TCP\nTargetPort:               9153/TCP\nEndpoints:                10.42.0.4:9153\n"), described)
        XCTAssertTrue(Describer(now: .clusterEpoch, events: []).describe(service).contains("Endpoints:                <none>\n"), "no slice: <none>")
        let daemonSet = try object(#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d","namespace":"default"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80},{"containerPort":443}],"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}}}]}}}}"#)
        let template = Describer(now: .clusterEpoch, events: []).describe(daemonSet)
        XCTAssertTrue(template.contains("    Image:           i\n    Ports:           80/TCP, 443/TCP\n    Host Ports:      0/TCP, 0/TCP\n    SeccompProfile:  RuntimeDefault\n"), template)
    }
}
