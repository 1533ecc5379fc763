"""Scripts and expressions are checked against the variables the case may have where they run
(SpiffArena #1075): an unquoted duration or a misspelt name is an error on its element,
while anything a valid process may read at that point passes."""

from __future__ import annotations

from typing import Any

from engine.lint import lint_bundle
from engine.xmlsafe import parse_xml

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions '
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'id="d" targetNamespace="http://bpmn.io/schema/bpmn">\n'
    '<bpmn:process id="p" isExecutable="true">\n'
)
FORMS: dict[str, Any] = {
    "apply.schema.json": {"type": "object", "properties": {"amount": {"type": "integer"}}},
    "decide.schema.json": {
        "type": "object",
        "properties": {"decision": {"type": "string"}},
        "allOf": [{"if": {}, "then": {"properties": {"reason": {"type": "string"}}}}],
    },
    "review.schema.json": {"type": "object", "properties": {"ok": {}, "feedback": {}}},
}


def flow(source: str, target: str, condition: str | None = None) -> str:
    inner = (
        f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression>"
        if condition
        else ""
    )
    return (
        f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" '
        f'targetRef="{target}">{inner}</bpmn:sequenceFlow>\n'
    )


def user(element_id: str, form: str, name: str = "", extra: str = "") -> str:
    return (
        f'<bpmn:userTask id="{element_id}" name="{name or element_id}" '
        f'camunda:candidateGroups="clerk" camunda:formKey="{form}">{extra}</bpmn:userTask>\n'
    )


def script(element_id: str, text: str, inner: str = "") -> str:
    return (
        f'<bpmn:scriptTask id="{element_id}" scriptFormat="python">{inner}'
        f"<bpmn:script>{text}</bpmn:script></bpmn:scriptTask>\n"
    )


def problems(
    body: str, dmn: dict[str, bytes] | None = None, files: bool = False
) -> list[tuple[str | None, str]]:
    root = parse_xml((HEAD + body + "</bpmn:process></bpmn:definitions>").encode(), 10**7)
    dmn_roots = {name: parse_xml(text, 10**7) for name, text in (dmn or {}).items()}
    result = lint_bundle({"p.bpmn": root}, dmn_roots, FORMS, frozenset({"svc"}))
    if files:
        return [(f"{p.file}:{p.element_id}", p.message) for p in result.problems]
    return [(p.element_id, p.message) for p in result.problems]


def test_an_unquoted_duration_in_a_timer_is_a_name_and_is_refused() -> None:
    body = (
        '<bpmn:startEvent id="s"/><bpmn:intermediateCatchEvent id="wait">'
        '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
        "P1Y</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:endEvent id="e"/>' + flow("s", "wait") + flow("wait", "e")
    )
    assert problems(body) == [
        ("wait", "Variabeln 'P1Y' finns inte här. En varaktighet skrivs inom citattecken: \"P1Y\".")
    ]
    assert problems(body.replace(">P1Y<", ">'P1Y'<")) == []


def test_a_misspelt_variable_in_a_condition_is_refused_with_the_close_name() -> None:
    body = (
        '<bpmn:startEvent id="s"/>' + user("decide", "decide.schema.json")
        + '<bpmn:exclusiveGateway id="gw" default="f_gw_no"/><bpmn:endEvent id="yes"/>'
        '<bpmn:endEvent id="no"/>' + flow("s", "decide") + flow("decide", "gw")
        + flow("gw", "yes", "decison == 'yes'") + flow("gw", "no")
    )  # fmt: skip
    [(element, message)] = problems(body)
    assert element == "f_gw_yes"
    assert message == "Variabeln 'decison' finns inte här. Menade du 'decision'?"
    assert problems(body.replace("decison", "decision")) == []
    assert problems(body.replace("decison == 'yes'", "reason")) == []  # from the form's then


def test_a_variable_read_before_the_form_that_sets_it_is_refused_there_only() -> None:
    body = (
        '<bpmn:startEvent id="s"/>' + script("early", "double = amount * 2")
        + user("apply", "apply.schema.json", "Ansök") + script("late", "triple = amount * 3")
        + '<bpmn:endEvent id="e"/>' + flow("s", "early") + flow("early", "apply")
        + flow("apply", "late") + flow("late", "e")
    )  # fmt: skip
    [(element, message)] = problems(body)
    assert element == "early"
    assert message == (
        "Variabeln 'amount' finns inte här. Den sätts av 'Ansök' (apply), som inte kommer "
        "före den här punkten."
    )


def test_a_form_field_is_not_yet_there_in_its_own_tasks_due_date_but_in_its_flows() -> None:
    due = "<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property "
    due += 'name="dueDate" value="add_days(today, amount)"/></spiffworkflow:properties>'
    due += "</bpmn:extensionElements>"
    body = (
        '<bpmn:dataObject id="today" name="today"/><bpmn:startEvent id="s"/>'
        + user("apply", "apply.schema.json", extra=due) + '<bpmn:endEvent id="e"/>'
        + flow("s", "apply") + flow("apply", "e", "amount &gt; 0")
    )  # fmt: skip
    assert [element for element, _ in problems(body)] == ["apply"]


def test_a_variable_set_later_on_a_loop_is_visible_all_round_it() -> None:
    body = (
        '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="merge"/>'
        + script("prepare", "hint = feedback") + user("review", "review.schema.json")
        + '<bpmn:exclusiveGateway id="gw" default="f_gw_merge"/><bpmn:endEvent id="e"/>'
        + flow("s", "merge") + flow("merge", "prepare") + flow("prepare", "review")
        + flow("review", "gw") + flow("gw", "e", "ok") + flow("gw", "merge")
    )  # fmt: skip
    assert problems(body) == []


def test_multi_instance_items_are_visible_inside_the_instances_and_the_output_after() -> None:
    loop = (
        "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items"
        "</bpmn:loopDataInputRef><bpmn:loopDataOutputRef>doubled</bpmn:loopDataOutputRef>"
        '<bpmn:inputDataItem id="item" name="item"/><bpmn:outputDataItem id="twice" '
        'name="twice"/><bpmn:completionCondition>twice &gt; 10</bpmn:completionCondition>'
        "</bpmn:multiInstanceLoopCharacteristics>"
    )
    inner = '<bpmn:startEvent id="in_s"/>' + script("in_x", "tripled = item * 3")
    inner += '<bpmn:endEvent id="in_e"/>' + flow("in_s", "in_x") + flow("in_x", "in_e")
    body = (
        '<bpmn:dataObject id="items" name="items"/><bpmn:dataObject id="doubled" name="doubled"/>'
        '<bpmn:startEvent id="s"/>'
        + script("each", "twice = item * 2", loop)
        + f'<bpmn:subProcess id="sub">{loop}{inner}</bpmn:subProcess>'
        + script("after", "total = sum(doubled) + len(item)") + '<bpmn:endEvent id="e"/>'
        + flow("s", "each") + flow("each", "sub") + flow("sub", "after") + flow("after", "e")
    )  # fmt: skip
    assert problems(body) == [("after", "Variabeln 'item' finns inte här. Menade du 'items'?")]


def test_script_locals_helpers_and_builtins_are_not_case_variables() -> None:
    text = (
        "start = '2026-01-01'\nends = [add_days(start, d) for d in range(3)]\n"
        "for day in ends:\n    last = day\nlongest = max(len(x) for x in ends)"
    )
    body = '<bpmn:startEvent id="s"/>' + script("calc", text) + '<bpmn:endEvent id="e"/>'
    assert problems(body + flow("s", "calc") + flow("calc", "e")) == []


def test_a_boundary_event_sees_what_its_activity_sees_not_its_form() -> None:
    timer = (
        '<bpmn:boundaryEvent id="late" attachedToRef="apply"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>wait if amount else 'P1D'</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    )
    body = (
        '<bpmn:dataObject id="wait" name="wait"/><bpmn:startEvent id="s"/>'
        + user("apply", "apply.schema.json") + timer + '<bpmn:endEvent id="e"/>'
        + '<bpmn:endEvent id="e2"/>' + flow("s", "apply") + flow("apply", "e")
        + flow("late", "e2")
    )  # fmt: skip
    assert [(e, m.split(".")[0]) for e, m in problems(body)] == [
        ("late", "Variabeln 'amount' finns inte här")
    ]


def test_what_cannot_be_known_makes_every_name_possible() -> None:
    body = (
        '<bpmn:startEvent id="s"/><bpmn:callActivity id="call" calledElement="other"/>'
        + script("use", "x = anything_at_all") + '<bpmn:endEvent id="e"/>'
        + flow("s", "call") + flow("call", "use") + flow("use", "e")
    )  # fmt: skip
    assert problems(body) == []


DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d"
    namespace="http://camunda.org/schema/1.0/dmn"><decision id="size" name="Storlek">
<decisionTable id="t"><input id="i"><inputExpression id="ie"><text>amount</text>
</inputExpression></input><output id="o" name="size_class"/></decisionTable></decision>
</definitions>"""


def test_service_results_and_decision_outputs_are_visible_downstream() -> None:
    service = (
        '<bpmn:serviceTask id="book"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
        'id="svc" resultVariable="booking"><spiffworkflow:parameters><spiffworkflow:parameter '
        'id="a" type="any" value="amount"/></spiffworkflow:parameters>'
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
    )
    rule = (
        '<bpmn:businessRuleTask id="classify"><bpmn:extensionElements><spiffworkflow:'
        "calledDecisionId>size</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
        "</bpmn:businessRuleTask>"
    )
    body = (
        '<bpmn:startEvent id="s"/>' + user("apply", "apply.schema.json") + service + rule
        + script("use", "x = (booking, size_class)") + '<bpmn:endEvent id="e"/>'
        + flow("s", "apply") + flow("apply", "book") + flow("book", "classify")
        + flow("classify", "use") + flow("use", "e")
    )  # fmt: skip
    assert problems(body, {"size.dmn": DMN}) == []
    [(element, message)] = problems(body.replace('value="amount"', 'value="amout"'))
    assert (element, message) == ("book", "Variabeln 'amout' finns inte här. Menade du 'amount'?")


def test_a_name_set_nowhere_says_how_start_data_is_declared() -> None:
    body = '<bpmn:startEvent id="s"/>' + script("use", "x = fund") + '<bpmn:endEvent id="e"/>'
    [(element, message)] = problems(body + flow("s", "use") + flow("use", "e"))
    assert element == "use"
    assert message.endswith('<bpmn:dataObject id="fund" name="fund"/>.')


def test_a_chain_written_back_to_front_is_followed_to_its_end() -> None:
    steps = [script(f"t{i}", f"v{i} = v{i - 1}" if i else "v0 = 1") for i in range(60)]
    body = '<bpmn:startEvent id="s"/>' + "".join(reversed(steps)) + '<bpmn:endEvent id="e"/>'
    body += flow("s", "t0") + "".join(flow(f"t{i}", f"t{i + 1}") for i in range(59))
    body += flow("t59", "e", "v0 == v_59")
    assert problems(body) == [("f_t59_e", "Variabeln 'v_59' finns inte här. Menade du 'v59'?")]


def test_a_decisions_inputs_are_checked_against_what_its_callers_see() -> None:
    rule = (
        '<bpmn:businessRuleTask id="classify"><bpmn:extensionElements><spiffworkflow:'
        "calledDecisionId>size</spiffworkflow:calledDecisionId></bpmn:extensionElements>"
        "</bpmn:businessRuleTask>"
    )
    body = (
        '<bpmn:startEvent id="s"/>' + user("apply", "apply.schema.json") + rule
        + '<bpmn:endEvent id="e"/>' + flow("s", "apply") + flow("apply", "classify")
        + flow("classify", "e")
    )  # fmt: skip
    misspelt = {"size.dmn": DMN.replace(b"<text>amount</text>", b"<text>amout</text>")}
    assert problems(body, misspelt, files=True) == [
        ("size.dmn:i", "Variabeln 'amout' finns inte här. Menade du 'amount'?")
    ]
    uncalled = body.replace(">size<", ">other<")
    assert not [p for p in problems(uncalled, misspelt) if "amout" in p[1]]
