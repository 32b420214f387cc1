// The rule packs shipped inside the binary: `include: [sre]` in rules.yaml,
// or `incident init --preset sre`. Each pack carries test cases that
// `incident rules test` runs, and the teams its rules route to.
#include "rules/rules.hpp"

namespace incident {

namespace {

const char* kItilRules = R"(# ITIL service-desk pack: impact x urgency decides; these rules classify
# and route, and raise what a service desk must never under-rate.
rules:
  - name: itil-major-outage
    description: A whole service down for many users is a major incident.
    when: {all: [{subcategory: outage}, {field: impact, equals: high}]}
    then: {priority_floor: P2, tags: [major]}
  - name: itil-vip-user
    description: Incidents raised for executives get urgency high.
    when: {tag: vip}
    then: {urgency: high}
  - name: itil-network-to-network-team
    when: {category: network}
    then: {team: network}
  - name: itil-security-to-security-team
    when: {category: security}
    then: {team: security, priority_floor: P3}
  - name: itil-service-request-is-not-an-incident
    description: Requests logged as incidents are capped low.
    when: {subcategory: [request, how-to]}
    then: {priority_ceiling: P4}
)";

const char* kItilTests = R"(cases:
  - name: matrix decides by default
    incident: {title: Printer jammed, category: hardware, impact: low, urgency: medium}
    expect: {priority: P4, team: service-desk}
  - name: major outage is at least P2
    incident: {title: ERP down, subcategory: outage, impact: high, urgency: low}
    expect: {priority: P2}
  - name: vip raises urgency
    incident: {title: CEO laptop broken, impact: low, urgency: low, tags: [vip]}
    expect: {priority: P3}
  - name: network goes to the network team
    incident: {title: Switch flapping, category: network, impact: medium, urgency: medium}
    expect: {priority: P3, team: network}
  - name: requests are capped
    incident: {title: Need a new mouse, subcategory: request, impact: high, urgency: high}
    expect: {priority: P4}
  - name: unknown impact errs high
    incident: {title: Something is wrong, urgency: medium}
    expect: {priority: P2}
)";

const char* kItilTeams = R"(teams:
  service-desk: {managers: [desk-lead@example.com, head-of-it@example.com]}
  network: {managers: [netops-manager@example.com]}
  security: {managers: [ciso@example.com]}
default_team: service-desk)";

const char* kSreRules = R"(# SRE pack: SEV-style. Customer-facing outages, data loss and security
# come first, and when in doubt the rules go high.
rules:
  - name: sre-data-loss
    description: Any sign of data loss or corruption is a P1.
    when: {any: [{tag: data-loss}, {contains: data loss}, {contains: corruption}]}
    then: {impact: high, urgency: high, priority_floor: P1, team: sre, tags: [data-loss]}
  - name: sre-customer-facing-outage
    when: {all: [{tag: customer-facing}, {subcategory: [outage, unavailable]}]}
    then: {impact: high, urgency: high, team: sre}
  - name: sre-customer-facing-degradation
    when: {all: [{tag: customer-facing}, {subcategory: degradation}]}
    then: {urgency: high, priority_floor: P2, team: sre}
  - name: sre-security
    when: {any: [{category: security}, {tag: security}]}
    then: {team: security, priority_floor: P2}
  - name: sre-slo-burn
    description: Fast error-budget burn from the alert pipeline.
    when: {field: extra.burn_rate, ">=": 14.4}
    then: {urgency: high, priority_floor: P2}
  - name: sre-internal-only
    description: Internal tooling without customer impact is capped at P3.
    when: {all: [{tag: internal}, {not: {tag: customer-facing}}]}
    then: {priority_ceiling: P3}
)";

const char* kSreTests = R"(cases:
  - name: customer-facing outage is P1
    incident: {title: Checkout down, subcategory: outage, tags: [customer-facing], impact: low, urgency: low}
    expect: {priority: P1, team: sre}
  - name: data loss is P1 whatever the matrix says
    incident: {title: Orders table corruption found, impact: low, urgency: low}
    expect: {priority: P1, team: sre}
  - name: degradation of a customer-facing service is at least P2
    incident: {title: Search slow, subcategory: degradation, tags: [customer-facing], impact: low, urgency: low}
    expect: {priority: P2, team: sre}
  - name: security goes to the security team
    incident: {title: Suspicious logins, category: security, impact: low, urgency: low}
    expect: {priority: P2, team: security}
  - name: fast burn is at least P2
    incident: {title: Error budget burning, impact: low, urgency: low, burn_rate: 20}
    expect: {priority: P2}
  - name: internal tooling is capped
    incident: {title: CI runners down, tags: [internal], impact: high, urgency: high}
    expect: {priority: P3}
  - name: nothing known means high
    incident: {title: Something is off}
    expect: {priority: P1}
)";

const char* kSreTeams = R"(teams:
  sre: {managers: [sre-manager@example.com, vp-engineering@example.com]}
  security: {managers: [ciso@example.com]}
  platform: {managers: [platform-lead@example.com]}
default_team: sre)";

const char* kSecurityRules = R"(# Security incident handling (NIST SP 800-61 style incident types).
rules:
  - name: sec-data-breach
    when: {any: [{subcategory: data-breach}, {tag: pii-exposed}]}
    then: {category: security, impact: high, urgency: high, priority_floor: P1, team: security, tags: [breach]}
  - name: sec-personal-data-gdpr
    description: A breach of personal data starts GDPR's 72 hours from awareness (incident update --aware-at).
    when: {any: [{tag: personal-data}, {tag: pii-exposed}, {all: [{subcategory: data-breach}, {contains: personal}]}]}
    then: {deadlines: [gdpr], tags: [personal-data]}
  - name: sec-ransomware
    when: {any: [{subcategory: ransomware}, {contains: ransom}]}
    then: {category: security, subcategory: ransomware, impact: high, urgency: high, team: security}
  - name: sec-malware
    when: {subcategory: malware}
    then: {category: security, urgency: high, team: security, priority_floor: P2}
  - name: sec-unauthorised-access
    when: {subcategory: [unauthorised-access, unauthorized-access, account-compromise]}
    then: {category: security, urgency: high, team: security, priority_floor: P2}
  - name: sec-phishing-credentials
    description: A phish where someone entered credentials is an account compromise.
    when: {all: [{subcategory: phishing}, {tag: credentials-entered}]}
    then: {category: security, urgency: high, team: security, priority_floor: P2}
  - name: sec-phishing
    when: {subcategory: phishing}
    then: {category: security, team: security, priority_floor: P3}
  - name: sec-physical-assault
    description: Harm to people comes before everything else.
    when: {subcategory: assault}
    then: {category: physical, impact: high, urgency: high, priority: P1, team: facilities, stop: true}
  - name: sec-physical-intrusion
    description: Someone inside who should not be may still be there.
    when: {subcategory: [intrusion, trespass, break-in]}
    then: {category: physical, urgency: high, team: facilities, priority_floor: P2}
  - name: sec-physical-theft-or-vandalism
    when: {subcategory: [theft, vandalism]}
    then: {category: physical, team: facilities, priority_floor: P3}
  - name: sec-physical-lost-property
    description: Lost and found is logged for the record, not raised.
    when: {subcategory: [lost-property, found-property]}
    then: {category: physical, impact: low, urgency: low, team: facilities, tags: [lost-property]}
  - name: sec-physical-needs-location
    description: Physical incidents without a location cannot be dispatched; raise them.
    when: {all: [{category: physical}, {field: location, exists: false}]}
    then: {urgency: high}
)";

const char* kSecurityTests = R"(cases:
  - name: data breach is P1
    incident: {title: Customer export found online, subcategory: data-breach, impact: medium, urgency: low}
    expect: {priority: P1, team: security}
  - name: a personal-data breach starts GDPR's clock
    incident: {title: Customer export with personal data found online, subcategory: data-breach}
    expect: {priority: P1, deadlines: [gdpr], tags: [personal-data, breach]}
  - name: exposed PII by its tag
    incident: {title: Support ticket dump, tags: [pii-exposed], impact: low, urgency: low}
    expect: {priority: P1, deadlines: [gdpr]}
  - name: ransomware by its text
    incident: {title: Ransom note on file server}
    expect: {priority: P1, team: security}
  - name: malware on one laptop is at least P2
    incident: {title: EDR alert, subcategory: malware, impact: low, urgency: low}
    expect: {priority: P2, team: security}
  - name: plain phishing report
    incident: {title: Phishing mail reported, subcategory: phishing, impact: low, urgency: low}
    expect: {priority: P3, team: security}
  - name: phishing with credentials entered
    incident: {title: User typed password into phish, subcategory: phishing, tags: [credentials-entered], impact: low, urgency: low}
    expect: {priority: P2, team: security}
  - name: assault is always P1 and stops
    incident: {title: Guard attacked, subcategory: assault, location: Car park B, impact: low, urgency: low}
    expect: {priority: P1, team: facilities}
  - name: theft with a location
    incident: {title: Laptop stolen, subcategory: theft, location: Office 3, impact: medium, urgency: low}
    expect: {priority: P3, team: facilities}
  - name: theft without a location is raised
    incident: {title: Bike stolen, subcategory: theft, impact: medium, urgency: low}
    expect: {priority: P2, team: facilities, urgency: high}
  - name: vandalism with a location
    incident: {title: Graffiti on the west wall, subcategory: vandalism, location: Site A/West wall, impact: low, urgency: low}
    expect: {priority: P3, team: facilities, category: physical}
  - name: intrusion is at least P2
    incident: {title: Door forced at night, subcategory: intrusion, location: Site A/Warehouse, impact: low, urgency: low}
    expect: {priority: P2, team: facilities, category: physical, urgency: high}
  - name: lost property is logged low
    incident: {title: Wallet handed in at reception, subcategory: lost-property, location: Site A/Reception}
    expect: {priority: P5, team: facilities, category: physical, tags: [lost-property]}
)";

const char* kSecurityTeams = R"(teams:
  security: {managers: [soc-lead@example.com, ciso@example.com]}
  facilities: {managers: [facilities-manager@example.com]}
  service-desk: {managers: [desk-lead@example.com]}
default_team: security)";

}  // namespace

const std::vector<RulePack>& rule_packs() {
    static const std::vector<RulePack> packs = {
        {"itil", "ITIL service desk: matrix first, classification and routing", kItilRules, kItilTests, kItilTeams},
        {"sre", "SRE: customer-facing outages, data loss and security first; errs high", kSreRules, kSreTests,
         kSreTeams},
        {"security", "Security incident handling: NIST-style types, physical incidents", kSecurityRules, kSecurityTests,
         kSecurityTeams},
    };
    return packs;
}

const RulePack* find_pack(std::string_view name) {
    for (const auto& p : rule_packs())
        if (name == p.name) return &p;
    return nullptr;
}

std::vector<std::string> pack_names() {
    std::vector<std::string> out;
    for (const auto& p : rule_packs()) out.emplace_back(p.name);
    return out;
}

}  // namespace incident
