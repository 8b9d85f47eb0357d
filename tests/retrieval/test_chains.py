from assistant.models import Answer
from assistant.retrieval.chains import answer_runnable, retriever


def test_runnable_answers_and_batches(ready):
    chain = answer_runnable(ready)
    one = chain.invoke("新聞稿歸誰管?")
    assert isinstance(one, Answer) and one.department == "公關部"
    many = chain.batch(["新聞稿歸誰管?", {"question": "那在VR科技公司呢?", "history": ["自媒體歸誰?"]}])
    assert many[0].to_dict() == one.to_dict()
    assert many[1].department == "品牌部"


def test_retriever_composes_with_runnables(ready):
    chain = retriever(ready, k=2) | (lambda docs: [d.metadata["owner"] for d in docs])
    assert chain.invoke("產品價格誰定?")[0] == "市場部"
