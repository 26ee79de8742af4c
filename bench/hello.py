"""The bare Flask "hello" that `make bench` compares the app's pages against (DESIGN.md §8)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
