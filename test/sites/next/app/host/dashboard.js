"use client";
import "contact-me/host";

export default function Dashboard() {
  return <contact-me-host room="site" host="rooms.example" />;
}
