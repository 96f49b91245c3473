"""Text: from an article to dated events, one stage a module.

read -> clean -> sentences -> actors -> coder (roles from the parse) -> dates,
put together per document by `pipeline.process`; `evaluate` scores the coder
against hand-made gold.
"""
