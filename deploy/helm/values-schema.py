# Writes <chart>/values.schema.json from <chart>/values.yaml (run from deploy/helm after changing a
# values.yaml: python3 values-schema.py <chart>). Closed objects, so a misspelt key fails the install.
import yaml, json, sys
OPEN = {"config","secretEnv","podAnnotations","podLabels","nodeSelector","affinity","tenantSecrets","resources","resourcesPresets",
        "serviceUrls","labels","annotations","regexAnnotations","websocketAnnotations","topics","serviceAccount.annotations","containerSecurityContext","podSecurityContext"}
SUBCHARTS = {"credential-service","challenge-service","notifier-service"}
def schema(v, key, path):
    if isinstance(v, bool): return {"type":"boolean"}
    if isinstance(v, int): return {"type":"integer"}
    if isinstance(v, str):
        if key == "runtime": return {"type":"string","enum":["jvm","native"]}
        if key == "logFormat": return {"type":"string","enum":["","text","json"]}
        if key == "appendfsync": return {"type":"string","enum":["everysec","always","no"]}
        if key == "clientType": return {"type":"string","enum":["standalone","cluster","sentinel","replication"]}
        if key == "pullPolicy": return {"type":"string","enum":["Always","IfNotPresent","Never"]}
        if key in ("minAvailable","maxUnavailable"): return {"type":["string","integer"]}
        return {"type":"string"}
    if isinstance(v, list):
        if key == "tenants":
            return {"type":"array","items":{"type":"object","additionalProperties":False,"required":["id","secretSha256"],
              "properties":{"id":{"type":"string","minLength":1},"secretSha256":{"type":"string","pattern":"^[0-9a-fA-F]{64}$"},
                "allowedOrigins":{"type":"array","items":{"type":"string"}},"actionStates":{"type":"object","additionalProperties":{"type":"string","enum":["ALLOW","BLOCK","REVIEW","CHALLENGE_REQUIRED"]}},
                "webhookUrl":{"type":"string"}}}}
        if key in ("publicKeys","trustedProxies","appAttestRoots"): return {"type":"array","items":{"type":"string"}}
        return {"type":"array"}
    if isinstance(v, dict):
        if path == "attestation.tenants":
            mode = {"type":"string","enum":["off","record","enforce"]}
            def closed(props): return {"type":"object","additionalProperties":False,"properties":props}
            return {"type":"object","additionalProperties":closed({
                "ios":closed({"mode":mode,"appId":{"type":"string"},"allowDevelopment":{"type":"boolean"}}),
                "android":closed({"mode":mode,"packageName":{"type":"string"},"maxTokenAge":{"type":"string"},
                    "keysSecret":closed({"name":{"type":"string"},"decryptionKey":{"type":"string"},"verificationKey":{"type":"string"}})})})}
        if key in OPEN or path in OPEN: return {"type":"object"}
        s = {"type":"object","properties":{k: schema(x, k, (path+"."+k) if path else k) for k,x in v.items()}}
        if key in SUBCHARTS:
            # The subchart's own schema checks its values.
            return {"type":"object","properties":{"enabled":{"type":"boolean"}}}
        if path != "global": s["additionalProperties"] = False
        return s
    return {}
chart = sys.argv[1]
values = yaml.safe_load(open(f"{chart}/values.yaml"))
s = schema(values, "", "")
s["$schema"] = "http://json-schema.org/draft-07/schema#"
s["title"] = f"Values of the {chart} chart"
# global is shared with other charts (a parent may add keys): open at its top.
s["properties"]["global"].pop("additionalProperties", None)
s["properties"]["global"]["properties"]["countersign"].pop("additionalProperties", None)
if chart in SUBCHARTS:
    s["properties"]["enabled"] = {"type":"boolean","description":"Read by the umbrella chart's dependency condition"}
    # Helm puts the library dependency's (empty) values here.
    s["properties"]["countersign-lib"] = {"type":"object"}
json.dump(s, open(f"{chart}/values.schema.json","w"), indent=2)
open(f"{chart}/values.schema.json","a").write("\n")
