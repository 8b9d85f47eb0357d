"""Telling instructions from questions and from source text: steering attempts never steer."""

from __future__ import annotations

import re

from assistant.text import fold

# Attempts to steer the assistant rather than ask it something. Matched on the folded question.
INJECTION = re.compile(
    r"忽略.{0,12}(指令|指示|提示|規則|設定|要求|內容|問題|文章|資料|文件|文檔|原文|上面|以上|前面|之前)|無視.{0,8}(指令|規則)|(系統|system)\s*(提示|prompt)"
    r"|你現在是|你是一個(詩人|海盜)|扮演|越獄|jailbreak|(ignore|disregard|forget)\b.{0,40}\b(instruction|prompt|rule|above|previous|article|document|sources)"
    r"|system\s+prompt|you\s+are\s+now|pretend\s+(to\s+be|you)|act\s+as\b|developer\s+mode|所有問題都回答"
    r"|(不管|無論|不論).{0,8}(問|說)什麼.{0,4}(都|就)(回答|回覆|說)|沒有(任何)?限制的|從現在(起|開始)[,,]?你"
    r"|from\s+now\s+on,?\s+you|no\s+(restrictions|rules|limits)|whatever\s+i\s+ask|always\s+(answer|reply|say)\b"
    r"|(reveal|print|show|repeat)\b.{0,20}\b(prompt|instructions)|寫(一|首).{0,6}詩|write\s+(me\s+)?a\s+(poem|song|story)"
    r"|tell\s+(me\s+)?a\s+joke|講個笑話"
)


def is_instruction(text: str) -> bool:
    """True for text that tries to steer the assistant (「忽略以上內容…」, "ignore your instructions")."""
    return bool(INJECTION.search(fold(text)))
