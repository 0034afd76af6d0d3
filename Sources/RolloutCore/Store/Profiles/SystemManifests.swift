/// What each distribution installs in a fresh cluster, as manifests applied by `cluster init`
/// (through the same defaults and validation as `rollout apply`). Trimmed to what the
/// simulation uses and a kubectl user sees: names, labels, images, ports, requests, probes,
/// priority classes and the config they mount. Sources: k3s v1.32 `manifests/coredns.yaml`,
/// `manifests/local-storage.yaml`, `manifests/metrics-server/`, and the Traefik Helm chart the
/// `traefik` HelmChart installs (Deployment and LoadBalancer Service `traefik`, IngressClass
/// `traefik` marked default); KUBERNETES-scheduling-traffic.md §8.
enum SystemManifests {
    static let systemTolerations = """
          tolerations:
            - key: CriticalAddonsOnly
              operator: Exists
            - key: node-role.kubernetes.io/control-plane
              operator: Exists
              effect: NoSchedule
            - key: node-role.kubernetes.io/master
              operator: Exists
              effect: NoSchedule

    """

    static func coreDNS(replicas: Int, image: String, clusterIP: String = "10.43.0.10") -> String {
        """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: coredns
          namespace: kube-system
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: coredns
          namespace: kube-system
        data:
          Corefile: |
            .:53 {
                errors
                health
                ready
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                  pods insecure
                  fallthrough in-addr.arpa ip6.arpa
                }
                prometheus :9153
                forward . /etc/resolv.conf
                cache 30
                loop
                reload
                loadbalance
            }
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: coredns
          namespace: kube-system
          labels:
            k8s-app: kube-dns
            kubernetes.io/name: CoreDNS
        spec:
          replicas: \(replicas)
          revisionHistoryLimit: 0
          strategy:
            type: RollingUpdate
            rollingUpdate:
              maxUnavailable: 1
          selector:
            matchLabels:
              k8s-app: kube-dns
          template:
            metadata:
              labels:
                k8s-app: kube-dns
            spec:
              priorityClassName: system-cluster-critical
              serviceAccountName: coredns
        \(systemTolerations.dropLast())
              nodeSelector:
                kubernetes.io/os: linux
              containers:
                - name: coredns
                  image: \(image)
                  args: ["-conf", "/etc/coredns/Corefile"]
                  resources:
                    limits:
                      memory: 170Mi
                    requests:
                      cpu: 100m
                      memory: 70Mi
                  volumeMounts:
                    - name: config-volume
                      mountPath: /etc/coredns
                      readOnly: true
                  ports:
                    - containerPort: 53
                      name: dns
                      protocol: UDP
                    - containerPort: 53
                      name: dns-tcp
                      protocol: TCP
                    - containerPort: 9153
                      name: metrics
                      protocol: TCP
                  livenessProbe:
                    httpGet:
                      path: /health
                      port: 8080
                    initialDelaySeconds: 60
                    periodSeconds: 10
                    timeoutSeconds: 1
                    failureThreshold: 3
                  readinessProbe:
                    httpGet:
                      path: /ready
                      port: 8181
                    periodSeconds: 2
                    timeoutSeconds: 1
                    failureThreshold: 3
              dnsPolicy: Default
              volumes:
                - name: config-volume
                  configMap:
                    name: coredns
                    items:
                      - key: Corefile
                        path: Corefile
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: kube-dns
          namespace: kube-system
          labels:
            k8s-app: kube-dns
            kubernetes.io/cluster-service: "true"
            kubernetes.io/name: CoreDNS
        spec:
          selector:
            k8s-app: kube-dns
          clusterIP: \(clusterIP)
          ports:
            - name: dns
              port: 53
              protocol: UDP
            - name: dns-tcp
              port: 53
              protocol: TCP
            - name: metrics
              port: 9153
              protocol: TCP
        ---

        """
    }

    static let localPath = """
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: local-path-provisioner-service-account
      namespace: kube-system
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: local-path-config
      namespace: kube-system
    data:
      config.json: |-
        {
          "nodePathMap":[
          {
            "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
            "paths":["/var/lib/rancher/k3s/storage"]
          }
          ]
        }
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: local-path-provisioner
      namespace: kube-system
    spec:
      revisionHistoryLimit: 0
      strategy:
        type: RollingUpdate
        rollingUpdate:
          maxUnavailable: 1
      selector:
        matchLabels:
          app: local-path-provisioner
      template:
        metadata:
          labels:
            app: local-path-provisioner
        spec:
          priorityClassName: system-node-critical
          serviceAccountName: local-path-provisioner-service-account
    \(systemTolerations.dropLast())
          containers:
            - name: local-path-provisioner
              image: rancher/local-path-provisioner:v0.0.30
              command: ["local-path-provisioner", "start", "--config", "/etc/config/config.json"]
              volumeMounts:
                - name: config-volume
                  mountPath: /etc/config/
              env:
                - name: POD_NAMESPACE
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.namespace
          volumes:
            - name: config-volume
              configMap:
                name: local-path-config
    ---
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata:
      name: local-path
      annotations:
        storageclass.kubernetes.io/is-default-class: "true"
    provisioner: rancher.io/local-path
    volumeBindingMode: WaitForFirstConsumer
    reclaimPolicy: Delete
    ---

    """

    static let metricsServer = """
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: metrics-server
      namespace: kube-system
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: metrics-server
      namespace: kube-system
      labels:
        k8s-app: metrics-server
    spec:
      revisionHistoryLimit: 0
      strategy:
        rollingUpdate:
          maxUnavailable: 0
      selector:
        matchLabels:
          k8s-app: metrics-server
      template:
        metadata:
          name: metrics-server
          labels:
            k8s-app: metrics-server
        spec:
          priorityClassName: system-node-critical
          serviceAccountName: metrics-server
    \(systemTolerations.dropLast())
          volumes:
            - name: tmp-dir
              emptyDir: {}
          containers:
            - name: metrics-server
              image: rancher/mirrored-metrics-server:v0.7.2
              args:
                - --cert-dir=/tmp
                - --secure-port=10250
                - --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
                - --kubelet-use-node-status-port
                - --metric-resolution=15s
              resources:
                requests:
                  cpu: 100m
                  memory: 70Mi
              ports:
                - name: https
                  containerPort: 10250
                  protocol: TCP
              readinessProbe:
                httpGet:
                  path: /readyz
                  port: https
                  scheme: HTTPS
                periodSeconds: 2
                failureThreshold: 3
                initialDelaySeconds: 2
              livenessProbe:
                httpGet:
                  path: /livez
                  port: https
                  scheme: HTTPS
                periodSeconds: 10
                failureThreshold: 3
              volumeMounts:
                - name: tmp-dir
                  mountPath: /tmp
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: metrics-server
      namespace: kube-system
      labels:
        kubernetes.io/cluster-service: "true"
        kubernetes.io/name: Metrics-server
    spec:
      selector:
        k8s-app: metrics-server
      clusterIP: 10.43.141.30
      ports:
        - port: 443
          name: https
          protocol: TCP
          targetPort: https
    ---

    """

    static let traefik = """
    apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: traefik
      namespace: kube-system
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: traefik
      namespace: kube-system
      labels:
        app.kubernetes.io/instance: traefik-kube-system
        app.kubernetes.io/managed-by: Helm
        app.kubernetes.io/name: traefik
        helm.sh/chart: traefik-34.2.1_up34.2.0
    spec:
      replicas: 1
      selector:
        matchLabels:
          app.kubernetes.io/instance: traefik-kube-system
          app.kubernetes.io/name: traefik
      strategy:
        type: RollingUpdate
        rollingUpdate:
          maxUnavailable: 0
          maxSurge: 1
      template:
        metadata:
          labels:
            app.kubernetes.io/instance: traefik-kube-system
            app.kubernetes.io/managed-by: Helm
            app.kubernetes.io/name: traefik
            helm.sh/chart: traefik-34.2.1_up34.2.0
          annotations:
            prometheus.io/path: /metrics
            prometheus.io/port: "9100"
            prometheus.io/scrape: "true"
        spec:
          serviceAccountName: traefik
          terminationGracePeriodSeconds: 60
          priorityClassName: system-cluster-critical
    \(systemTolerations.dropLast())
          containers:
            - name: traefik
              image: rancher/mirrored-library-traefik:3.3.2
              readinessProbe:
                httpGet:
                  path: /ping
                  port: 8080
                  scheme: HTTP
                failureThreshold: 1
                initialDelaySeconds: 2
                periodSeconds: 10
                successThreshold: 1
                timeoutSeconds: 2
              livenessProbe:
                httpGet:
                  path: /ping
                  port: 8080
                  scheme: HTTP
                failureThreshold: 3
                initialDelaySeconds: 2
                periodSeconds: 10
                successThreshold: 1
                timeoutSeconds: 2
              ports:
                - name: metrics
                  containerPort: 9100
                  protocol: TCP
                - name: traefik
                  containerPort: 8080
                  protocol: TCP
                - name: web
                  containerPort: 8000
                  protocol: TCP
                - name: websecure
                  containerPort: 8443
                  protocol: TCP
              args:
                - --entryPoints.metrics.address=:9100/tcp
                - --entryPoints.traefik.address=:8080/tcp
                - --entryPoints.web.address=:8000/tcp
                - --entryPoints.websecure.address=:8443/tcp
                - --api.dashboard=true
                - --ping=true
                - --metrics.prometheus=true
                - --providers.kubernetescrd
                - --providers.kubernetescrd.allowEmptyServices=true
                - --providers.kubernetesingress
                - --providers.kubernetesingress.allowEmptyServices=true
                - --providers.kubernetesingress.ingressendpoint.publishedservice=kube-system/traefik
                - --entryPoints.websecure.http.tls=true
                - --log.level=INFO
              env:
                - name: POD_NAME
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.name
                - name: POD_NAMESPACE
                  valueFrom:
                    fieldRef:
                      fieldPath: metadata.namespace
              volumeMounts:
                - name: data
                  mountPath: /data
                - name: tmp
                  mountPath: /tmp
          volumes:
            - name: data
              emptyDir: {}
            - name: tmp
              emptyDir: {}
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: traefik
      namespace: kube-system
      labels:
        app.kubernetes.io/instance: traefik-kube-system
        app.kubernetes.io/managed-by: Helm
        app.kubernetes.io/name: traefik
        helm.sh/chart: traefik-34.2.1_up34.2.0
    spec:
      type: LoadBalancer
      clusterIP: 10.43.87.212
      selector:
        app.kubernetes.io/instance: traefik-kube-system
        app.kubernetes.io/name: traefik
      ports:
        - port: 80
          name: web
          targetPort: web
          protocol: TCP
          nodePort: 31417
        - port: 443
          name: websecure
          targetPort: websecure
          protocol: TCP
          nodePort: 30564
    ---
    apiVersion: networking.k8s.io/v1
    kind: IngressClass
    metadata:
      name: traefik
      annotations:
        ingressclass.kubernetes.io/is-default-class: "true"
    spec:
      controller: traefik.io/ingress-controller

    """

    static let k3s = coreDNS(replicas: 1, image: "rancher/mirrored-coredns-coredns:1.12.0") + localPath + metricsServer + traefik

    static let kindStorage = """
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata:
      name: standard
      annotations:
        storageclass.kubernetes.io/is-default-class: "true"
    provisioner: rancher.io/local-path
    volumeBindingMode: WaitForFirstConsumer
    reclaimPolicy: Delete

    """
}
