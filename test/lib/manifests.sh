# manifests.sh - manifests the shell suites apply (source it).

# web_manifest IMAGE WITH_ENV_B [WITH_CONFIGMAP]: a Deployment (2 replicas of IMAGE, env A=1,
# and B=2 when WITH_ENV_B is yes) and a Service, both named web and labelled app=web; with
# WITH_CONFIGMAP yes, a ConfigMap conf too.
web_manifest() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: $1
        env:
        - {name: A, value: "1"}
$( [ "$2" = yes ] && echo '        - {name: B, value: "2"}' )
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - port: 80
YAML
  [ "${3:-no}" = yes ] || return 0
  cat <<YAML
---
apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data: {a: "1", b: "2"}
YAML
}
